import { goQuote } from "../validation/go-format.ts";

/*
 * Which field labels each resource accepts in a field selector, and the values it compares them with.
 * Two upstream pieces, kept together because they only make sense as a pair:
 *  - the field label conversion funcs registered per kind (pkg/apis/core/v1/conversion.go,
 *    pkg/apis/batch/v1/conversion.go, pkg/apis/events/v1/conversion.go,
 *    pkg/apis/certificates/v1/conversion.go), which accept or rename a label or refuse it with their own
 *    message; kinds without one fall back to runtime.DefaultMetaV1FieldSelectorConversion;
 *  - the GetAttrs/ToSelectableFields of pkg/registry/<group>/<kind>/strategy.go, which turn an object
 *    into strings ("true"/"false", decimal integers, "" when unset).
 * apps/v1 registers no conversion for ReplicaSet, so `status.replicas` there is refused exactly as
 * kube-apiserver 1.32 refuses it (kubernetes/kubernetes#135136), even though its field set has it.
 */

/** A Kubernetes object as the JSON the API serves. */
export type JsonObject = Record<string, unknown>;

/** Reads one selectable field of an object, formatted the way upstream's fields.Set holds it. */
export type FieldGetter = (obj: JsonObject) => string;

/** What one resource's field selectors may name and how its objects answer. */
export interface ResourceFieldLabels {
  /** Label as sent → field name matched (upstream's internal name), or undefined when refused. */
  readonly convert: (label: string) => string | undefined;
  /** The message the conversion func gives for a refused label. */
  readonly unsupported: (label: string) => string;
  /** The object's selectable fields by internal name; a field with no getter reads as "". */
  readonly fields: Readonly<Record<string, FieldGetter>>;
}

function child(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

function at(obj: JsonObject, path: readonly string[]): unknown {
  return path.reduce<unknown>(child, obj);
}

/** A string field; Go's zero value "" when absent. */
function text(...path: string[]): FieldGetter {
  return (obj) => {
    const v = at(obj, path);
    return typeof v === "string" ? v : "";
  };
}

/** strconv.FormatBool of a bool field, false when absent. */
function bool(...path: string[]): FieldGetter {
  return (obj) => (at(obj, path) === true ? "true" : "false");
}

/** strconv.Itoa of an int32 field, 0 when absent. */
function int(...path: string[]): FieldGetter {
  return (obj) => {
    const v = at(obj, path);
    return typeof v === "number" && Number.isFinite(v) ? String(Math.trunc(v)) : "0";
  };
}

/** The first of several spellings that is set, e.g. core `involvedObject` vs events.k8s.io `regarding`. */
function firstText(...getters: FieldGetter[]): FieldGetter {
  return (obj) => {
    for (const get of getters) {
      const v = get(obj);
      if (v !== "") return v;
    }
    return "";
  };
}

const META_FIELDS: Readonly<Record<string, FieldGetter>> = {
  "metadata.name": text("metadata", "name"),
  // Cluster-scoped kinds have no namespace field upstream; reading "" from the object is the same.
  "metadata.namespace": text("metadata", "namespace"),
};

const notSupported = (label: string) => `field label not supported: ${label}`;

function accepting(labels: readonly string[], aliases: Readonly<Record<string, string>> = {}) {
  const accepted = new Set(labels);
  return (label: string) => (accepted.has(label) ? label : aliases[label]);
}

const POD: ResourceFieldLabels = {
  convert: accepting(
    [
      "metadata.name",
      "metadata.namespace",
      "spec.nodeName",
      "spec.restartPolicy",
      "spec.schedulerName",
      "spec.serviceAccountName",
      "spec.hostNetwork",
      "status.phase",
      "status.podIP",
      "status.podIPs",
      "status.nominatedNodeName",
    ],
    // Old v1 clients send spec.host.
    { "spec.host": "spec.nodeName" },
  ),
  unsupported: notSupported,
  fields: {
    ...META_FIELDS,
    "spec.nodeName": text("spec", "nodeName"),
    "spec.restartPolicy": text("spec", "restartPolicy"),
    "spec.schedulerName": text("spec", "schedulerName"),
    // v1→internal conversion takes the deprecated serviceAccount when serviceAccountName is empty.
    "spec.serviceAccountName": firstText(text("spec", "serviceAccountName"), text("spec", "serviceAccount")),
    "spec.hostNetwork": bool("spec", "hostNetwork"),
    "status.phase": text("status", "phase"),
    // Upstream reads podIPs[0]; v1 conversion fills podIPs from a lone podIP.
    "status.podIP": (obj) => {
      const ips = at(obj, ["status", "podIPs"]);
      const first = Array.isArray(ips) ? child(ips[0], "ip") : undefined;
      return typeof first === "string" ? first : text("status", "podIP")(obj);
    },
    // status.podIPs is accepted by the conversion but missing from the pod's field set, so it is
    // always "" upstream: `status.podIPs=<ip>` matches nothing. No getter reproduces that.
    "status.nominatedNodeName": text("status", "nominatedNodeName"),
  },
};

const EVENT_FIELDS: Readonly<Record<string, FieldGetter>> = {
  ...META_FIELDS,
  ...Object.fromEntries(
    ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((f) => [
      `involvedObject.${f}`,
      firstText(text("involvedObject", f), text("regarding", f)),
    ]),
  ),
  reason: text("reason"),
  reportingComponent: firstText(text("reportingComponent"), text("reportingController")),
  source: firstText(
    text("source", "component"),
    text("deprecatedSource", "component"),
    text("reportingComponent"),
    text("reportingController"),
  ),
  type: text("type"),
};

const CORE_EVENT_LABELS = [
  "involvedObject.kind",
  "involvedObject.namespace",
  "involvedObject.name",
  "involvedObject.uid",
  "involvedObject.apiVersion",
  "involvedObject.resourceVersion",
  "involvedObject.fieldPath",
  "reason",
  "reportingComponent",
  "source",
  "type",
  "metadata.namespace",
  "metadata.name",
];

/** events.k8s.io spells the core labels its own way and maps them onto the shared event field set. */
const EVENTS_V1_ALIASES: Readonly<Record<string, string>> = {
  ...Object.fromEntries(
    ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"].map((f) => [
      `regarding.${f}`,
      `involvedObject.${f}`,
    ]),
  ),
  reportingController: "reportingComponent",
};

const SIGNER_NAME: ResourceFieldLabels = {
  convert: accepting(["metadata.name", "spec.signerName"]),
  unsupported: notSupported,
  fields: { ...META_FIELDS, "spec.signerName": text("spec", "signerName") },
};

const BY_RESOURCE: ReadonlyMap<string, ResourceFieldLabels> = new Map<string, ResourceFieldLabels>([
  ["/pods", POD],
  [
    "/nodes",
    {
      convert: accepting(["metadata.name", "spec.unschedulable"]),
      unsupported: notSupported,
      fields: { ...META_FIELDS, "spec.unschedulable": bool("spec", "unschedulable") },
    },
  ],
  [
    "/replicationcontrollers",
    {
      convert: accepting(["metadata.name", "metadata.namespace", "status.replicas"]),
      unsupported: notSupported,
      fields: { ...META_FIELDS, "status.replicas": int("status", "replicas") },
    },
  ],
  ["/events", { convert: accepting(CORE_EVENT_LABELS), unsupported: notSupported, fields: EVENT_FIELDS }],
  [
    "/namespaces",
    {
      convert: accepting(["status.phase", "metadata.name"]),
      unsupported: notSupported,
      fields: { ...META_FIELDS, "status.phase": text("status", "phase") },
    },
  ],
  [
    "/secrets",
    {
      convert: accepting(["type", "metadata.namespace", "metadata.name"]),
      unsupported: notSupported,
      fields: { ...META_FIELDS, type: text("type") },
    },
  ],
  [
    "/services",
    {
      convert: accepting(["metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"]),
      unsupported: notSupported,
      fields: {
        ...META_FIELDS,
        "spec.clusterIP": text("spec", "clusterIP"),
        "spec.type": text("spec", "type"),
      },
    },
  ],
  [
    "batch/jobs",
    {
      convert: accepting(["metadata.name", "metadata.namespace", "status.successful"]),
      unsupported: (label) => `field label ${goQuote(label)} not supported for batchv1.Job`,
      fields: { ...META_FIELDS, "status.successful": int("status", "succeeded") },
    },
  ],
  [
    "events.k8s.io/events",
    {
      convert: accepting(
        ["reason", "source", "type", "metadata.namespace", "metadata.name"],
        EVENTS_V1_ALIASES,
      ),
      unsupported: notSupported,
      fields: EVENT_FIELDS,
    },
  ],
  ["certificates.k8s.io/certificatesigningrequests", SIGNER_NAME],
  ["certificates.k8s.io/clustertrustbundles", SIGNER_NAME],
]);

/** runtime.DefaultMetaV1FieldSelectorConversion: every other resource, custom resources included. */
const DEFAULT: ResourceFieldLabels = {
  convert: accepting(["metadata.name", "metadata.namespace"]),
  unsupported: (label) =>
    `${goQuote(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
  fields: META_FIELDS,
};

/** The field labels of a resource: group ("" for core) and plural resource name. */
export function fieldLabelsFor(group: string, resource: string): ResourceFieldLabels {
  return BY_RESOURCE.get(`${group}/${resource}`) ?? DEFAULT;
}
