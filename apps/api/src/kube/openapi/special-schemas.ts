/**
 * Definitions client-node has no model for: apimachinery's custom-marshalled types (written as
 * kube-apiserver's OpenAPI v3 publishes them, from their OpenAPISchemaType/OpenAPIV3OneOfTypes) and the
 * metrics.k8s.io/v1beta1 kinds of metrics-server. Used only by the generator.
 */
import type { Schema } from "./schema-types.ts";

export const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
export const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
export const TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time";
export const MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime";
export const RAW_EXTENSION = "io.k8s.apimachinery.pkg.runtime.RawExtension";
export const FIELDS_V1 = "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1";
export const PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";

const METRICS = "io.k8s.metrics.pkg.apis.metrics.v1beta1.";

/** `#/components/schemas/<name>` reference. */
export function ref(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

const TYPE_META: Record<string, Schema> = {
  apiVersion: {
    type: "string",
    description:
      "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
  },
  kind: {
    type: "string",
    description:
      "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
  },
};

const OBJECT_METADATA: Schema = {
  allOf: [ref("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")],
  description:
    "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
};

const LIST_METADATA: Schema = {
  allOf: [ref("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta")],
  description:
    "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
};

/** Description kube-apiserver gives `metadata` on every kind (client-node drops descriptions of refs). */
export function standardMetadataProperty(list: boolean): Schema {
  return list ? LIST_METADATA : OBJECT_METADATA;
}

const RESOURCE_LIST: Schema = { type: "object", additionalProperties: ref(QUANTITY) };

function metricsKind(kind: string, description: string, properties: Record<string, Schema>): Schema {
  return {
    description,
    type: "object",
    properties: { ...TYPE_META, metadata: OBJECT_METADATA, ...properties },
    required: Object.keys(properties),
    "x-kubernetes-group-version-kind": [{ group: "metrics.k8s.io", kind, version: "v1beta1" }],
  };
}

function metricsList(kind: string, description: string): Schema {
  return {
    description,
    type: "object",
    properties: {
      ...TYPE_META,
      metadata: LIST_METADATA,
      items: { type: "array", description: "List of metrics.", items: ref(METRICS + kind) },
    },
    required: ["items"],
    "x-kubernetes-group-version-kind": [{ group: "metrics.k8s.io", kind: `${kind}List`, version: "v1beta1" }],
  };
}

const WINDOW_AND_TIMESTAMP: Record<string, Schema> = {
  timestamp: {
    allOf: [ref(TIME)],
    description:
      "The following fields define time interval from which metrics were collected from the interval [Timestamp-Window, Timestamp].",
  },
  window: { type: "string" },
};

/** Every definition written by hand, by upstream name. */
export const SPECIAL_SCHEMAS: Readonly<Record<string, Schema>> = {
  [INT_OR_STRING]: {
    description:
      "IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.",
    format: "int-or-string",
    oneOf: [{ type: "integer" }, { type: "string" }],
  },
  [QUANTITY]: {
    description:
      'Quantity is a fixed-point representation of a number. It provides convenient marshaling/unmarshaling in JSON and YAML, in addition to String() and AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>        ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from the "" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9 <digits>          ::= <digit> | <digit><digits> <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::= "+" | "-" <signedNumber>    ::= <number> | <sign><number> <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See: http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m | "" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I didn\'t choose the capitalization.)\n\n<decimalExponent> ::= "e" <signedNumber> | "E" <signedNumber> ```',
    oneOf: [{ type: "string" }, { type: "number" }],
  },
  [TIME]: {
    description:
      "Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.  Wrappers are provided for many of the factory methods that the time package offers.",
    type: "string",
    format: "date-time",
  },
  [MICRO_TIME]: {
    description: "MicroTime is version of Time with microsecond level precision.",
    type: "string",
    format: "date-time",
  },
  [RAW_EXTENSION]: {
    description: "RawExtension is used to hold extensions in external versions.",
    type: "object",
  },
  [FIELDS_V1]: {
    description:
      "FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.\n\nEach key is either a '.' representing the field itself, and will always map to an empty set, or a string representing a sub-field or item. The string will follow one of these four formats: 'f:<name>', where <name> is the name of a field in a struct, or key in a map 'v:<value>', where <value> is the exact json formatted value of a list item 'i:<index>', where <index> is position of a item in a list 'k:<keys>', where <keys> is a map of  a list item's key fields to their unique values If a key maps to an empty Fields value, the field that key represents is part of the set.\n\nThe exact format is defined in sigs.k8s.io/structured-merge-diff",
    type: "object",
  },
  [PATCH]: {
    description: "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.",
    type: "object",
  },
  [`${METRICS}PodMetrics`]: metricsKind("PodMetrics", "PodMetrics sets resource usage metrics of a pod.", {
    ...WINDOW_AND_TIMESTAMP,
    containers: {
      type: "array",
      description: "Metrics for all containers are collected within the same time window.",
      items: ref(`${METRICS}ContainerMetrics`),
    },
  }),
  [`${METRICS}NodeMetrics`]: metricsKind(
    "NodeMetrics",
    "NodeMetrics sets resource usage metrics of a node.",
    {
      ...WINDOW_AND_TIMESTAMP,
      usage: { ...RESOURCE_LIST, description: "The memory usage is the memory working set." },
    },
  ),
  [`${METRICS}ContainerMetrics`]: {
    description: "ContainerMetrics sets resource usage metrics of a container.",
    type: "object",
    properties: {
      name: {
        type: "string",
        description: "Container name corresponding to the one from pod.spec.containers.",
      },
      usage: { ...RESOURCE_LIST, description: "The memory usage is the memory working set." },
    },
    required: ["name", "usage"],
  },
  [`${METRICS}PodMetricsList`]: metricsList("PodMetrics", "PodMetricsList is a list of PodMetrics."),
  [`${METRICS}NodeMetricsList`]: metricsList("NodeMetrics", "NodeMetricsList is a list of NodeMetrics."),
};
