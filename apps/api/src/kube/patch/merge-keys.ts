// The patch metadata of the built-in types kubectl users patch, transcribed from the Go struct tags
// (`patchStrategy`, `patchMergeKey`) and markers (`+listType`, `+listMapKey`, `+structType`, `+mapType`,
// `+default`) of k8s.io/api v0.32 (core/v1, apps/v1, batch/v1, networking/v1, policy/v1, autoscaling/v2)
// and apimachinery's ObjectMeta. Only what differs from the defaults is written down:
// - an object field merges key by key (SMP) and is owned field by field (SSA);
// - a list is replaced whole (SMP) and owned whole (SSA, "atomic").
// Strategic merge patch reads `mergeKey`/`strategy`; server-side apply reads `ssa`/`keys`.

/** How a list field is patched and owned. */
export interface ListSchema {
  /** SMP `patchStrategy:"merge"`; without it the list is replaced whole. */
  readonly strategy?: "merge";
  /** SMP `patchMergeKey`: identifies object items; absent on a merged list of primitives. */
  readonly mergeKey?: string;
  /** SSA `+listType` (default "atomic"). */
  readonly ssa?: "map" | "set" | "atomic";
  /** SSA `+listMapKey`s, in declaration order (defaults to [mergeKey]). */
  readonly keys?: readonly string[];
  /** `+default` of key fields, used when an item omits them (ports' protocol is "TCP"). */
  readonly keyDefaults?: Readonly<Record<string, string | number>>;
  /** Schema of each item. */
  readonly item?: TypeSchema;
  /** SSA: each item is owned as one value (`+structType=atomic` items such as OwnerReference). */
  readonly atomicItems?: boolean;
}

/** How one field of an object is patched and owned. */
export interface FieldSchema {
  /** Schema of the value when it is an object. */
  readonly type?: TypeSchema;
  /** Present when the value is a list. */
  readonly list?: ListSchema;
  /** SSA `+structType=atomic` / `+mapType=atomic`: the object is owned as one value. */
  readonly atomic?: boolean;
  /**
   * The field exists in a zero Go object (a struct held by value, or a list without `omitempty` such as
   * PodSpec.containers), so the first write of its content does not record the field itself as added:
   * no "." under `f:spec` in managedFields, as kube-apiserver shows.
   */
  readonly alwaysPresent?: boolean;
}

/** The known fields of an object type; fields not listed follow the defaults above. */
export interface TypeSchema {
  readonly fields: Readonly<Record<string, FieldSchema>>;
}

const struct = (fields: Record<string, FieldSchema>): TypeSchema => ({ fields });
const obj = (type: TypeSchema): FieldSchema => ({ type });
const value = (type: TypeSchema): FieldSchema => ({ type, alwaysPresent: true });
const atomicObject: FieldSchema = { atomic: true };

/** A list merged by `mergeKey` (SMP) and owned item by item under `keys` (SSA). */
function keyedList(mergeKey: string, options: Omit<ListSchema, "strategy" | "mergeKey"> = {}): FieldSchema {
  return { list: { strategy: "merge", mergeKey, ssa: "map", keys: [mergeKey], ...options } };
}

/** A list of primitives merged as a set (finalizers, podCIDRs). */
const primitiveSet: FieldSchema = { list: { strategy: "merge", ssa: "set" } };

const objectMeta = struct({
  finalizers: primitiveSet,
  ownerReferences: keyedList("uid", { atomicItems: true }),
});

const labelSelector = atomicObject;

const envVar = struct({
  valueFrom: obj(
    struct({
      configMapKeyRef: atomicObject,
      secretKeyRef: atomicObject,
      fieldRef: atomicObject,
      resourceFieldRef: atomicObject,
    }),
  ),
});

const container = struct({
  ports: keyedList("containerPort", {
    keys: ["containerPort", "protocol"],
    keyDefaults: { protocol: "TCP" },
  }),
  env: keyedList("name", { item: envVar }),
  envFrom: { list: { item: struct({ configMapRef: atomicObject, secretRef: atomicObject }) } },
  volumeMounts: keyedList("mountPath"),
  volumeDevices: keyedList("devicePath"),
  // +listType=map without a patch strategy: SSA merges claims by name, SMP replaces them.
  resources: value(struct({ claims: { list: { ssa: "map", keys: ["name"] } } })),
});

const podAffinityTerm = struct({ labelSelector, namespaceSelector: labelSelector });
const weightedPodAffinityTerm = struct({ podAffinityTerm: value(podAffinityTerm) });
const podAffinity = obj(
  struct({
    requiredDuringSchedulingIgnoredDuringExecution: { list: { item: podAffinityTerm } },
    preferredDuringSchedulingIgnoredDuringExecution: { list: { item: weightedPodAffinityTerm } },
  }),
);

const podSpec = struct({
  volumes: keyedList("name"),
  initContainers: keyedList("name", { item: container }),
  containers: { ...keyedList("name", { item: container }), alwaysPresent: true },
  ephemeralContainers: keyedList("name", { item: container }),
  imagePullSecrets: keyedList("name", { atomicItems: true }),
  hostAliases: keyedList("ip"),
  topologySpreadConstraints: keyedList("topologyKey", {
    keys: ["topologyKey", "whenUnsatisfiable"],
    item: struct({ labelSelector }),
  }),
  schedulingGates: keyedList("name"),
  resourceClaims: keyedList("name"),
  nodeSelector: atomicObject,
  affinity: obj(
    struct({
      nodeAffinity: obj(struct({ requiredDuringSchedulingIgnoredDuringExecution: atomicObject })),
      podAffinity,
      podAntiAffinity: podAffinity,
    }),
  ),
});

const podTemplateSpec = struct({ metadata: value(objectMeta), spec: value(podSpec) });

const conditionsByType = keyedList("type");
const statusWithConditions = value(struct({ conditions: conditionsByType }));

const podStatus = struct({
  conditions: conditionsByType,
  podIPs: keyedList("ip"),
  hostIPs: keyedList("ip", { ssa: "atomic" }),
  resourceClaimStatuses: keyedList("name"),
});

const workloadSpec = (extra: Record<string, FieldSchema> = {}): FieldSchema =>
  value(struct({ selector: labelSelector, template: value(podTemplateSpec), ...extra }));

const jobSpec = struct({ selector: labelSelector, template: value(podTemplateSpec) });

/** Root schemas by "<group>/<Kind>" (core group is ""). */
const kinds: Readonly<Record<string, Record<string, FieldSchema>>> = {
  "/Pod": { spec: value(podSpec), status: value(podStatus) },
  "/PodTemplate": { template: value(podTemplateSpec) },
  "/ReplicationController": {
    spec: value(struct({ selector: atomicObject, template: obj(podTemplateSpec) })),
    status: statusWithConditions,
  },
  "/Service": {
    spec: value(
      struct({
        ports: keyedList("port", { keys: ["port", "protocol"], keyDefaults: { protocol: "TCP" } }),
        selector: atomicObject,
      }),
    ),
    status: statusWithConditions,
  },
  "/ServiceAccount": { secrets: keyedList("name", { atomicItems: true }) },
  "/Node": {
    spec: value(struct({ podCIDRs: primitiveSet })),
    status: value(struct({ conditions: conditionsByType, addresses: keyedList("type") })),
  },
  "/Namespace": { spec: value(struct({})), status: statusWithConditions },
  "/PersistentVolumeClaim": {
    spec: value(struct({ selector: labelSelector })),
    status: statusWithConditions,
  },
  "/ComponentStatus": { conditions: conditionsByType },
  "/ConfigMap": {},
  "/Secret": {},
  "/Endpoints": {},
  "/Event": {},
  "apps/Deployment": {
    spec: workloadSpec({ strategy: value(struct({})) }),
    status: statusWithConditions,
  },
  "apps/ReplicaSet": { spec: workloadSpec(), status: statusWithConditions },
  "apps/StatefulSet": {
    spec: workloadSpec({ updateStrategy: value(struct({})) }),
    status: statusWithConditions,
  },
  "apps/DaemonSet": {
    spec: workloadSpec({ updateStrategy: value(struct({})) }),
    status: statusWithConditions,
  },
  "apps/ControllerRevision": {},
  "batch/Job": {
    spec: value(jobSpec),
    // patchStrategy=merge for SMP, but +listType=atomic for SSA.
    status: value(struct({ conditions: keyedList("type", { ssa: "atomic" }) })),
  },
  "batch/CronJob": {
    spec: value(
      struct({ jobTemplate: value(struct({ metadata: value(objectMeta), spec: value(jobSpec) })) }),
    ),
    status: value(struct({})),
  },
  "networking.k8s.io/Ingress": { spec: value(struct({})), status: value(struct({})) },
  "networking.k8s.io/NetworkPolicy": { spec: value(struct({ podSelector: labelSelector })) },
  "policy/PodDisruptionBudget": {
    spec: value(struct({ selector: labelSelector })),
    status: statusWithConditions,
  },
  "autoscaling/HorizontalPodAutoscaler": { spec: value(struct({})), status: statusWithConditions },
};

// Custom resources are unstructured: nothing exists before it is written, so only metadata is a value.
const genericRoot = struct({ metadata: value(objectMeta) });

const rootCache = new Map<string, TypeSchema>();

/** The group of an apiVersion: "apps/v1" → "apps", "v1" → "". */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/**
 * The patch schema of a built-in kind, or undefined for kinds this table does not know (custom
 * resources), which strategic merge patch treats like a JSON merge patch.
 */
export function schemaFor(apiVersion: string, kind: string): TypeSchema | undefined {
  const key = `${groupOf(apiVersion)}/${kind}`;
  const fields = kinds[key];
  if (!fields) return undefined;
  let root = rootCache.get(key);
  if (!root) {
    root = struct({ metadata: value(objectMeta), ...fields });
    rootCache.set(key, root);
  }
  return root;
}

/** The schema server-side apply uses: the kind's, or ObjectMeta alone for unknown kinds. */
export function ssaSchemaFor(apiVersion: string, kind: string): TypeSchema {
  return schemaFor(apiVersion, kind) ?? genericRoot;
}

/** The schema of one field of an object type (undefined: defaults apply). */
export function fieldOf(type: TypeSchema | undefined, name: string): FieldSchema | undefined {
  return type?.fields[name];
}
