/**
 * Turns client-node models into OpenAPI v3 definitions shaped like kube-apiserver's: refs with a
 * sibling description are wrapped in `allOf` (kube-openapi builder3 WrapRefs), custom-marshalled
 * apimachinery types become references to their own definitions. Used only by the generator.
 */
import type { Model } from "./client-node-models.ts";
import type { GroupVersionKind, Schema } from "./schema-types.ts";
import {
  FIELDS_V1,
  INT_OR_STRING,
  MICRO_TIME,
  QUANTITY,
  RAW_EXTENSION,
  ref,
  standardMetadataProperty,
  TIME,
} from "./special-schemas.ts";

/**
 * Fields whose Go type is resource.Quantity (or a ResourceList of them). Client-node types them as
 * plain strings because the upstream v2 spec does, so they are listed here, as `Class.jsonField`.
 */
export const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  "V1ResourceRequirements.limits",
  "V1ResourceRequirements.requests",
  "V1VolumeResourceRequirements.limits",
  "V1VolumeResourceRequirements.requests",
  "V1EmptyDirVolumeSource.sizeLimit",
  "V1PodSpec.overhead",
  "V1ContainerStatus.allocatedResources",
  "V1NodeStatus.allocatable",
  "V1NodeStatus.capacity",
  "V1PersistentVolumeSpec.capacity",
  "V1PersistentVolumeClaimStatus.allocatedResources",
  "V1PersistentVolumeClaimStatus.capacity",
  "V1ResourceQuotaSpec.hard",
  "V1ResourceQuotaStatus.hard",
  "V1ResourceQuotaStatus.used",
  "V1LimitRangeItem.default",
  "V1LimitRangeItem.defaultRequest",
  "V1LimitRangeItem.max",
  "V1LimitRangeItem.maxLimitRequestRatio",
  "V1LimitRangeItem.min",
  "V2MetricTarget.averageValue",
  "V2MetricTarget.value",
  "V2MetricValueStatus.averageValue",
  "V2MetricValueStatus.value",
  "V1ResourceFieldSelector.divisor",
]);

interface ConvertContext {
  names: ReadonlyMap<string, string>;
  className: string;
  jsonName: string;
}

function upstreamName(className: string, context: ConvertContext): string {
  const name = context.names.get(className);
  if (name === undefined)
    throw new Error(`${context.className}.${context.jsonName}: no upstream name for ${className}`);
  return name;
}

function primitiveSchema(type: string, format: string, context: ConvertContext): Schema {
  const quantity = QUANTITY_FIELDS.has(`${context.className}.${context.jsonName}`);
  switch (type) {
    case "string":
      if (quantity) return ref(QUANTITY);
      return format === "" ? { type: "string" } : { type: "string", format };
    case "boolean":
      return { type: "boolean" };
    case "number":
      if (format === "int32" || format === "int64") return { type: "integer", format };
      return format === "" ? { type: "number" } : { type: "number", format };
    case "V1MicroTime":
      return ref(MICRO_TIME);
    case "Date":
      if (format === "date-time-micro") return ref(MICRO_TIME);
      if (format === "date-time") return ref(TIME);
      throw new Error(`${context.className}.${context.jsonName}: Date with format ${format}`);
    case "IntOrString":
      return ref(INT_OR_STRING);
    case "any":
      return ref(context.jsonName === "fieldsV1" ? FIELDS_V1 : RAW_EXTENSION);
    default:
      return ref(upstreamName(type, context));
  }
}

/** Schema of a client-node type expression. */
export function typeSchema(type: string, format: string, context: ConvertContext): Schema {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1] !== undefined) return { type: "array", items: typeSchema(array[1], format, context) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1] !== undefined) {
    return { type: "object", additionalProperties: typeSchema(map[1], format, context) };
  }
  return primitiveSchema(type, format, context);
}

function withDescription(
  schema: Schema,
  description: string | undefined,
  typeDescription: string | undefined,
): Schema {
  if (schema.$ref !== undefined) {
    // OpenAPI 3.0 ignores siblings of $ref, so upstream moves the ref into allOf to keep the description.
    if (description !== undefined) return { allOf: [schema], description };
    // Client-node drops the description of every field whose type is a struct. Repeating the type's
    // description as a $ref sibling fills kubectl explain's field list, while explaining the field itself
    // resolves the $ref and prints the type's description once (explain/v2/templates/plaintext.tmpl).
    return typeDescription === undefined ? schema : { ...schema, description: typeDescription };
  }
  return description === undefined ? schema : { ...schema, description };
}

/**
 * Definition of one model; `gvk` marks a kind that kubectl explain looks up, `models` supplies the
 * descriptions of referenced types.
 */
export function modelSchema(
  model: Model,
  names: ReadonlyMap<string, string>,
  models: ReadonlyMap<string, Model>,
  gvk?: GroupVersionKind,
): Schema {
  const properties: Record<string, Schema> = {};
  const required: string[] = [];
  const isKind =
    model.fields.some((f) => f.jsonName === "kind") && model.fields.some((f) => f.jsonName === "apiVersion");
  for (const field of [...model.fields].sort((a, b) => (a.jsonName < b.jsonName ? -1 : 1))) {
    const context = { names, className: model.className, jsonName: field.jsonName };
    const schema = typeSchema(field.type, field.format, context);
    if (isKind && field.jsonName === "metadata" && field.description === undefined) {
      properties[field.jsonName] = standardMetadataProperty(field.type === "V1ListMeta");
    } else {
      properties[field.jsonName] = withDescription(
        schema,
        field.description,
        models.get(field.type)?.description,
      );
    }
    if (field.required) required.push(field.jsonName);
  }
  const schema: Schema = {};
  if (model.description !== undefined) schema.description = model.description;
  schema.type = "object";
  schema.properties = properties;
  if (required.length > 0) schema.required = required;
  if (gvk) schema["x-kubernetes-group-version-kind"] = [gvk];
  return schema;
}
