/**
 * The mutating admission plugins every real cluster runs on pod creation (release-1.32):
 * ServiceAccount (default account, projected token volume), DefaultTolerationSeconds and Priority.
 * They change what `kubectl get pod -o yaml` shows, so the simulation applies them too.
 */
import { ApiError } from "../../../../errors.ts";
import type { StoreTransaction } from "../../../store/transaction.ts";
import { asArray, asNumber, asObject, asString, ensureObject, type JsonObject, objectsOf } from "../json.ts";
import { toleratesNoExecute } from "./tolerations.ts";

export const TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
const TOKEN_VOLUME_PREFIX = "kube-api-access-";
/** names.SimpleNameGenerator's alphabet: no vowels, no look-alikes. */
const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour and seven seconds. */
const TOKEN_EXPIRATION_SECONDS = 3607;
const BUILTIN_PRIORITY_CLASSES: Record<string, number> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};

/** ServiceAccount admission, part one: an unset account means "default". */
export function defaultServiceAccountName(spec: JsonObject): void {
  if (!asString(spec.serviceAccountName)) {
    spec.serviceAccountName = "default";
    spec.serviceAccount = "default";
  }
}

/** DefaultTolerationSeconds: five minutes on not-ready and unreachable nodes unless already tolerated. */
export function addDefaultTolerations(spec: JsonObject): void {
  const tolerations = asArray(spec.tolerations).slice();
  for (const key of ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"]) {
    if (!toleratesNoExecute(spec.tolerations, key)) {
      tolerations.push({ effect: "NoExecute", key, operator: "Exists", tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
}

function randomSuffix(): string {
  let out = "";
  for (let i = 0; i < 5; i++) out += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  return out;
}

/** The projected volume the ServiceAccount plugin adds (TokenVolumeSource). */
function tokenVolume(name: string): JsonObject {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: "token" } },
        { configMap: { items: [{ key: "ca.crt", path: "ca.crt" }], name: "kube-root-ca.crt" } },
        {
          downwardAPI: {
            items: [{ fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" }, path: "namespace" }],
          },
        },
      ],
    },
  };
}

/**
 * ServiceAccount admission, part two: mount the API token into every (init) container that does not
 * already mount something at the token path, reusing an existing kube-api-access volume.
 */
export function mountServiceAccountToken(spec: JsonObject): void {
  const volumes = objectsOf(spec.volumes).map(([v]) => v);
  const existing = volumes.find((v) => asString(v.name).startsWith(TOKEN_VOLUME_PREFIX));
  const names = new Set(volumes.map((v) => asString(v.name)));
  let name = asString(existing?.name);
  while (!name || (!existing && names.has(name))) name = `${TOKEN_VOLUME_PREFIX}${randomSuffix()}`;
  let needed = false;
  for (const list of ["initContainers", "containers"]) {
    for (const [c] of objectsOf(spec[list])) {
      const mounts = asArray(c.volumeMounts);
      if (mounts.some((m) => asObject(m)?.mountPath === TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [...mounts, { mountPath: TOKEN_MOUNT_PATH, name, readOnly: true }];
      needed = true;
    }
  }
  if (!existing && needed) spec.volumes = [...asArray(spec.volumes), tokenVolume(name)];
}

/** Whether the token is mounted: the pod's own setting wins over its service account's. */
export async function shouldAutomountToken(
  spec: JsonObject,
  namespace: string,
  tx: StoreTransaction,
): Promise<boolean> {
  if (typeof spec.automountServiceAccountToken === "boolean") return spec.automountServiceAccountToken;
  const account = await tx.lookup({
    group: "",
    resource: "serviceaccounts",
    namespace,
    name: asString(spec.serviceAccountName),
  });
  return account?.automountServiceAccountToken !== false;
}

/**
 * Priority admission: resolves priorityClassName (or the global default class) to spec.priority and
 * spec.preemptionPolicy; a client may not choose a different number itself.
 */
export async function admitPriority(pod: JsonObject, podName: string, tx: StoreTransaction): Promise<void> {
  const spec = ensureObject(pod, "spec");
  const forbidden = (message: string) =>
    new ApiError("Forbidden", `pods "${podName}" is forbidden: ${message}`, { name: podName, kind: "pods" });
  const className = asString(spec.priorityClassName);
  let priority = 0;
  let preemption: string | undefined = "PreemptLowerPriority";
  const classes = await tx.lookupList("scheduling.k8s.io", "priorityclasses");
  const chosen = className
    ? classes.find((c) => c.metadata.name === className)
    : classes.find((c) => c.globalDefault === true);
  if (chosen) {
    priority = asNumber(chosen.value) ?? 0;
    preemption = asString(chosen.preemptionPolicy) || "PreemptLowerPriority";
    if (!className) spec.priorityClassName = chosen.metadata.name;
  } else if (className) {
    const builtin = BUILTIN_PRIORITY_CLASSES[className];
    if (builtin === undefined) throw forbidden(`no PriorityClass with name ${className} was found`);
    priority = builtin;
  }
  const requested = asNumber(spec.priority);
  if (requested !== undefined && requested !== priority) {
    throw forbidden(
      `the integer value of priority (${requested}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
    );
  }
  spec.priority = priority;
  const requestedPolicy = asString(spec.preemptionPolicy);
  if (requestedPolicy && preemption && requestedPolicy !== preemption) {
    throw forbidden(
      `the string value of PreemptionPolicy (${requestedPolicy}) must not be provided in pod spec; priority admission controller computed ${preemption} from the given PriorityClass name`,
    );
  }
  if (!requestedPolicy && preemption) spec.preemptionPolicy = preemption;
}
