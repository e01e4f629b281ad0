/**
 * Reads the generated models of @kubernetes/client-node: field names, types and formats from each
 * class's `attributeTypeMap` (the .js modules), descriptions and required-ness from the JSDoc and
 * `?` markers of the .d.ts files next to them. Used only by the generator script.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** One field of a model, as client-node generated it. */
export interface ModelField {
  /** JSON name (client-node's `baseName`). */
  jsonName: string;
  /** Type expression: `string`, `number`, `Date`, `Array<X>`, `{ [key: string]: X; }`, a class name… */
  type: string;
  format: string;
  description?: string;
  required: boolean;
}

/** One model class: its description and fields in declaration order. */
export interface Model {
  className: string;
  description?: string;
  fields: ModelField[];
}

interface AttributeType {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

function isAttributeTypeList(value: unknown): value is AttributeType[] {
  return (
    Array.isArray(value) &&
    value.every(
      (entry: unknown) =>
        typeof entry === "object" &&
        entry !== null &&
        typeof (entry as Record<string, unknown>)["baseName"] === "string" &&
        typeof (entry as Record<string, unknown>)["type"] === "string",
    )
  );
}

/** Directory of client-node's generated model files. */
export function modelsDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@kubernetes/client-node/package.json")), "dist/gen/models");
}

/** The Kubernetes version client-node's models were generated from, e.g. `v1.34.0`. */
export function modelsSpecVersion(): string {
  const header = readFileSync(join(modelsDirectory(), "V1Pod.d.ts"), "utf8");
  return /OpenAPI spec version: (\S+)/.exec(header)?.[1] ?? "unknown";
}

// The generator escapes quotes inside JSDoc (`\'=\'`, `\"0.0.0.0\"`); the descriptions are plain text.
function unescapeJsDoc(text: string): string {
  return text.replace(/\\(['"\\])/g, "$1").trim();
}

interface DeclarationDocs {
  classDescription?: string;
  fields: Map<string, { description?: string; required: boolean }>;
}

/** Parses a model's .d.ts: the class JSDoc, then each `'field'?: Type;` with the JSDoc above it. */
function readDeclarationDocs(source: string): DeclarationDocs {
  const docs: DeclarationDocs = { fields: new Map() };
  let comment: string[] | undefined;
  let pending: string | undefined;
  let inClass = false;
  for (const line of source.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "/**") {
      comment = [];
      continue;
    }
    if (comment !== undefined) {
      if (trimmed === "*/") {
        pending = comment.join(" ");
        comment = undefined;
      } else {
        comment.push(trimmed.replace(/^\* ?/, ""));
      }
      continue;
    }
    if (!inClass) {
      if (/^export declare class /.test(trimmed)) {
        inClass = true;
        if (pending !== undefined && !pending.startsWith("Kubernetes")) {
          docs.classDescription = unescapeJsDoc(pending);
        }
      }
      pending = undefined;
      continue;
    }
    const field = /^ {4}'([^']+)'(\?)?:/.exec(line);
    if (field?.[1] !== undefined) {
      const entry: { description?: string; required: boolean } = { required: field[2] === undefined };
      if (pending !== undefined && pending !== "") entry.description = unescapeJsDoc(pending);
      docs.fields.set(field[1], entry);
    }
    if (trimmed !== "") pending = undefined;
  }
  return docs;
}

/** Every generated model, keyed by class name. */
export async function readModels(): Promise<Map<string, Model>> {
  const exports: Record<string, unknown> = await import("@kubernetes/client-node");
  const directory = modelsDirectory();
  const models = new Map<string, Model>();
  for (const [className, value] of Object.entries(exports)) {
    if (typeof value !== "function") continue;
    const attributes: unknown = (value as { attributeTypeMap?: unknown }).attributeTypeMap;
    if (!isAttributeTypeList(attributes)) continue;
    let docs: DeclarationDocs;
    try {
      docs = readDeclarationDocs(readFileSync(join(directory, `${className}.d.ts`), "utf8"));
    } catch {
      continue; // a helper class exported from outside gen/models
    }
    const model: Model = {
      className,
      fields: attributes.map((attribute) => {
        const fieldDocs = docs.fields.get(attribute.name);
        const field: ModelField = {
          jsonName: attribute.baseName,
          type: attribute.type,
          format: attribute.format,
          required: fieldDocs?.required ?? false,
        };
        if (fieldDocs?.description !== undefined) field.description = fieldDocs.description;
        return field;
      }),
    };
    if (docs.classDescription !== undefined) model.description = docs.classDescription;
    models.set(className, model);
  }
  return models;
}
