/**
 * The Swagger 2.0 document kube-apiserver serves at `/openapi/v2`, built from the same paths and
 * definitions as the OpenAPI v3 documents. kubectl up to 1.28 downloads it for `apply`/`create -f`
 * (validation setup, patch types) and `explain`; later versions only fall back to it. Differences from
 * v3 follow kube-openapi's builder (v2) and handler3 conversion: `#/definitions/` references with
 * sibling descriptions instead of `allOf` wrappers, `consumes`/`produces` instead of request and
 * response content maps, typed parameters instead of parameter schemas, IntOrString as
 * `{type: string, format: int-or-string}` and Quantity as a string.
 */
import type { Parameter } from "./parameters.ts";
import { type Operation, type PathItem, resourcePaths } from "./paths.ts";
import { definitionClosure } from "./schema-store.ts";
import { type GroupVersionKind, refName, type Schema } from "./schema-types.ts";
import { SERVED_RESOURCES } from "./served-resources.ts";

/** A Swagger 2.0 schema object, restricted to what Kubernetes definitions use. */
export interface SchemaV2 {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  required?: string[];
  properties?: Record<string, SchemaV2>;
  additionalProperties?: SchemaV2;
  items?: SchemaV2;
  "x-kubernetes-group-version-kind"?: GroupVersionKind[];
}

/** A Swagger 2.0 parameter: a body parameter with a schema, or a typed path/query parameter. */
export type ParameterV2 =
  | { name: "body"; in: "body"; required?: true; schema: SchemaV2 }
  | {
      name: string;
      in: "query" | "path";
      description: string;
      required?: true;
      type: string;
      uniqueItems: true;
    };

/** A Swagger 2.0 operation with the Kubernetes extensions. */
export interface OperationV2 {
  description: string;
  consumes: string[];
  produces: string[];
  schemes: ["https"];
  tags: string[];
  operationId: string;
  parameters?: ParameterV2[];
  responses: Record<string, { description: string; schema?: SchemaV2 }>;
  "x-kubernetes-action": string;
  "x-kubernetes-group-version-kind": GroupVersionKind;
}

/** The methods a path item may carry, in the order Swagger lists them. */
export const V2_METHODS = ["get", "put", "post", "delete", "patch"] as const;

/** A Swagger 2.0 path item. */
export type PathItemV2 = { [method in (typeof V2_METHODS)[number]]?: OperationV2 } & {
  parameters: ParameterV2[];
};

/** The whole document. */
export interface SwaggerDocument {
  swagger: "2.0";
  info: { title: string; version: string };
  paths: Record<string, PathItemV2>;
  definitions: Record<string, SchemaV2>;
  securityDefinitions: {
    BearerToken: { description: string; type: "apiKey"; name: "authorization"; in: "header" };
  };
  security: [{ BearerToken: [] }];
}

const V2_REF_PREFIX = "#/definitions/";

/** A v3 schema as v2 writes it. */
export function toSchemaV2(schema: Schema): SchemaV2 {
  const wrapped = schema.allOf?.length === 1 ? refName(schema.allOf[0]!) : undefined;
  const name = refName(schema) ?? wrapped;
  if (name !== undefined) {
    return {
      $ref: V2_REF_PREFIX + name,
      ...(schema.description === undefined ? {} : { description: schema.description }),
    };
  }
  const out: SchemaV2 = {};
  if (schema.description !== undefined) out.description = schema.description;
  // v3's oneOf of integer|string or string|number stands for a string-typed v2 scalar.
  const type = schema.type ?? (schema.oneOf ? "string" : undefined);
  if (type !== undefined) out.type = type;
  if (schema.format !== undefined) out.format = schema.format;
  if (schema.required) out.required = [...schema.required];
  if (schema.items) out.items = toSchemaV2(schema.items);
  if (schema.properties) {
    out.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([key, value]) => [key, toSchemaV2(value)]),
    );
  }
  if (schema.additionalProperties) out.additionalProperties = toSchemaV2(schema.additionalProperties);
  if (schema["x-kubernetes-group-version-kind"]) {
    out["x-kubernetes-group-version-kind"] = schema["x-kubernetes-group-version-kind"].map((gvk) => ({
      ...gvk,
    }));
  }
  return out;
}

function toParameterV2(parameter: Parameter): ParameterV2 {
  return {
    name: parameter.name,
    in: parameter.in,
    description: parameter.description,
    ...(parameter.required ? { required: true as const } : {}),
    type: parameter.schema.type,
    uniqueItems: true,
  };
}

function toOperationV2(op: Operation): OperationV2 {
  const body = op.requestBody;
  const bodySchema = body ? Object.values(body.content)[0]?.schema : undefined;
  const produces = new Set<string>();
  for (const response of Object.values(op.responses)) {
    for (const type of Object.keys(response.content ?? {})) produces.add(type);
  }
  const parameters: ParameterV2[] = [];
  // The body first, then the query parameters, as upstream's swagger.json lists them.
  if (bodySchema) {
    parameters.push({
      name: "body",
      in: "body",
      ...(body?.required ? { required: true as const } : {}),
      schema: toSchemaV2(bodySchema),
    });
  }
  parameters.push(...(op.parameters ?? []).map(toParameterV2));
  const responses: OperationV2["responses"] = {};
  for (const [code, response] of Object.entries(op.responses)) {
    const schema = Object.values(response.content ?? {})[0]?.schema;
    responses[code] = {
      description: response.description,
      ...(schema ? { schema: toSchemaV2(schema) } : {}),
    };
  }
  return {
    description: op.description,
    consumes: body ? Object.keys(body.content) : ["*/*"],
    produces: [...produces],
    schemes: ["https"],
    tags: [...op.tags],
    operationId: op.operationId,
    ...(parameters.length > 0 ? { parameters } : {}),
    responses,
    "x-kubernetes-action": op["x-kubernetes-action"],
    "x-kubernetes-group-version-kind": { ...op["x-kubernetes-group-version-kind"] },
  };
}

function toPathItemV2(item: PathItem): PathItemV2 {
  const out: PathItemV2 = { parameters: item.parameters.map(toParameterV2) };
  for (const method of V2_METHODS) {
    const op = item[method];
    if (op) out[method] = toOperationV2(op);
  }
  return out;
}

/** Every definition name a value references (`#/definitions/<name>` or v3's `#/components/schemas/<name>`). */
function referencedNames(value: unknown): Set<string> {
  return new Set(
    [...JSON.stringify(value).matchAll(/"#\/(?:definitions|components\/schemas)\/([^"]+)"/g)].map(
      (m) => m[1]!,
    ),
  );
}

/** The Swagger 2.0 document of every served resource, paths and definitions sorted by name. */
export function buildSwaggerDocument(serverVersion: string): SwaggerDocument {
  const v3Paths: Record<string, PathItem> = {};
  for (const resource of SERVED_RESOURCES) Object.assign(v3Paths, resourcePaths(resource));
  const paths: Record<string, PathItemV2> = {};
  for (const path of Object.keys(v3Paths).sort()) paths[path] = toPathItemV2(v3Paths[path]!);
  const definitions: Record<string, SchemaV2> = {};
  for (const [name, schema] of Object.entries(definitionClosure(referencedNames(v3Paths)))) {
    definitions[name] = toSchemaV2(schema);
  }
  return {
    swagger: "2.0",
    info: { title: "Kubernetes", version: serverVersion },
    paths,
    definitions,
    securityDefinitions: {
      BearerToken: {
        description: "Bearer Token authentication",
        type: "apiKey",
        name: "authorization",
        in: "header",
      },
    },
    security: [{ BearerToken: [] }],
  };
}
