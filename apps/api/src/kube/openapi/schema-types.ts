/** The subset of OpenAPI 3.0 schema objects this module writes and reads. */

/** `x-kubernetes-group-version-kind` entry, as on upstream definitions and operations. */
export interface GroupVersionKind {
  group: string;
  kind: string;
  version: string;
}

/** An OpenAPI 3.0 schema object, restricted to the keywords Kubernetes definitions use. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  items?: Schema;
  required?: string[];
  "x-kubernetes-group-version-kind"?: GroupVersionKind[];
}

/** What `generate.ts` writes to `schemas.json`. */
export interface SchemaFile {
  /** Where the definitions came from, e.g. `@kubernetes/client-node 1.4.0 (OpenAPI v1.34.0)`. */
  source: string;
  schemas: Record<string, Schema>;
}

/** Name in `#/components/schemas/<name>`, or undefined when the schema is not a local reference. */
export function refName(schema: Schema): string | undefined {
  const prefix = "#/components/schemas/";
  return schema.$ref?.startsWith(prefix) ? schema.$ref.slice(prefix.length) : undefined;
}
