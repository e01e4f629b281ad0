import {
  containerUsage,
  formatUsage,
  nodeOverhead,
  scrapeWindow,
} from "../../../../../../workers/src/kubelet/usage.ts";
import { ApiError } from "../../../errors.ts";
import { kubeTime } from "../../../platform/clock.ts";
import type { KubeObject } from "../../object/types.ts";
import { simulatedFailure } from "../../simulation/simulated-failure.ts";
import { objectConflict, objectNotFound } from "../../store/errors.ts";
import { milliValue, parseQuantity } from "../../validation/quantity.ts";
import { decodeObjectBody } from "../request-body.ts";
import { successStatus } from "../status.ts";
import { fromStorage, type KubeRequest, type KubeResponse, storageRef } from "./context.ts";
import {
  budgetBeingProcessed,
  budgetStatus,
  budgetsSelecting,
  type EvictionDeleteOptions,
  markDisruptedAndDelete,
  takeDisruption,
} from "./eviction.ts";
import { modifyObject } from "./modify.ts";
import { writeOptions } from "./write-options.ts";

/**
 * What RBAC grants a cluster-admin (group system:masters), as bootstrap policy binds it
 * (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): cluster-admin, plus the roles every
 * authenticated user has — system:basic-user, system:discovery, system:public-info-viewer.
 */
const ADMIN_RULES = {
  resourceRules: [
    { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
    {
      verbs: ["create"],
      apiGroups: ["authorization.k8s.io"],
      resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    },
    { verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"] },
  ],
  nonResourceRules: [
    { verbs: ["*"], nonResourceURLs: ["*"] },
    {
      verbs: ["get"],
      nonResourceURLs: [
        "/api",
        "/api/*",
        "/apis",
        "/apis/*",
        "/healthz",
        "/livez",
        "/openapi",
        "/openapi/*",
        "/readyz",
        "/version",
        "/version/",
      ],
    },
    { verbs: ["get"], nonResourceURLs: ["/healthz", "/livez", "/readyz", "/version", "/version/"] },
  ],
  incomplete: false,
};

/**
 * The owner's token is cluster-admin: every access review is allowed, and says why as RBAC would.
 */
export async function accessReviewHandler(req: KubeRequest): Promise<KubeResponse> {
  const review = decodeObjectBody(await req.body(), req.contentType, {
    apiVersion: "authorization.k8s.io/v1",
    kind: req.def.kind,
  });
  const status =
    req.def.resource === "selfsubjectrulesreviews"
      ? ADMIN_RULES
      : {
          allowed: true,
          reason:
            'RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to User "admin"',
        };
  const { metadata, spec } = review as KubeObject & { spec?: unknown };
  return {
    status: 201,
    body: {
      kind: req.def.kind,
      apiVersion: "authorization.k8s.io/v1",
      metadata: { ...metadata, creationTimestamp: null },
      spec,
      status,
    },
  };
}

interface PodCondition {
  type: string;
  status: string;
  lastProbeTime?: string | null;
  lastTransitionTime?: string | null;
  reason?: string;
  message?: string;
}

/**
 * POST pods/<name>/binding or bindings: the scheduler's write (BindingREST.assignPod in
 * pkg/registry/core/pod/storage). Sets spec.nodeName once, merges the binding's annotations, and
 * marks the pod PodScheduled True (podutil.UpdatePodCondition: the transition time only moves when
 * the status changes; reason and message go).
 */
export async function bindingHandler(req: KubeRequest, podName: string): Promise<KubeResponse> {
  const binding = decodeObjectBody(await req.body(), req.contentType, {
    apiVersion: "v1",
    kind: "Binding",
  }) as KubeObject & {
    target?: { kind?: string; name?: string };
  };
  const node = binding.target?.name;
  if (!node) throw new ApiError("Invalid", `Binding "${podName}" is invalid: target.name: Required value`);
  const podReq: KubeRequest = { ...req, path: { ...req.path, resource: "pods", subresource: undefined } };
  const conflict = (why: string) =>
    objectConflict(
      { group: "", resource: "pods/binding", namespace: req.path.namespace ?? "", name: podName },
      why,
    );
  const now = kubeTime(req.now);
  await modifyObject(
    podReq,
    podName,
    (pod) => {
      if (binding.metadata.uid && binding.metadata.uid !== pod.metadata.uid) {
        throw conflict(
          `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid}`,
        );
      }
      const spec = pod.spec as { nodeName?: string; schedulingGates?: unknown[] };
      if (pod.metadata.deletionTimestamp) {
        throw conflict(`pod ${podName} is being deleted, cannot be assigned to a host`);
      }
      if (spec.nodeName) throw conflict(`pod ${podName} is already assigned to node "${spec.nodeName}"`);
      if ((spec.schedulingGates?.length ?? 0) > 0) {
        throw conflict(`pod ${podName} has non-empty .spec.schedulingGates`);
      }
      spec.nodeName = node;
      if (binding.metadata.annotations) {
        pod.metadata.annotations = { ...pod.metadata.annotations, ...binding.metadata.annotations };
      }
      const status = (pod.status ?? {}) as { conditions?: PodCondition[] };
      const conditions = status.conditions ?? [];
      const index = conditions.findIndex((c) => c.type === "PodScheduled");
      const previous = conditions[index];
      const scheduled: PodCondition = {
        type: "PodScheduled",
        status: "True",
        lastProbeTime: null,
        lastTransitionTime: previous?.status === "True" ? (previous.lastTransitionTime ?? now) : now,
      };
      if (index === -1) conditions.push(scheduled);
      else conditions[index] = scheduled;
      pod.status = { ...status, conditions };
      return pod;
    },
    { ...writeOptions(req), subresource: "binding", skipKindValidation: true },
  );
  return { status: 201, body: successStatus() };
}

/**
 * POST pods/<name>/eviction (pkg/registry/core/pod/storage/eviction.go, release-1.32): deletes the
 * pod unless a PodDisruptionBudget selecting it has no disruption left (429 TooManyRequests, which
 * `kubectl drain` retries). A pod that is Pending, finished or already terminating is not guarded.
 * The pod is marked DisruptionTarget (EvictionByEvictionAPI) before it is deleted.
 */
export async function evictionHandler(req: KubeRequest, podName: string): Promise<KubeResponse> {
  const eviction = decodeObjectBody(await req.body(), req.contentType, {
    apiVersion: "policy/v1",
    kind: "Eviction",
  }) as KubeObject & { deleteOptions?: EvictionDeleteOptions };
  if (eviction.metadata?.name && eviction.metadata.name !== podName) {
    throw new ApiError("BadRequest", "name in URL does not match name in Eviction object");
  }
  const asked = eviction.deleteOptions ?? {};
  const dryRun = (asked.dryRun?.length ?? 0) > 0 || req.query.getAll("dryRun").length > 0;
  const podReq: KubeRequest = { ...req, path: { ...req.path, subresource: undefined } };
  const markAndDelete = (resourceVersion: string | undefined) =>
    markDisruptedAndDelete(podReq, podName, asked, resourceVersion, dryRun);

  const ref = storageRef(req, podName);
  const stored = await req.runtime.store.get(req.clusterId, ref);
  if (!stored) throw objectNotFound({ ...ref, group: "", resource: "pods" });
  const pod = fromStorage(podReq, stored);
  const phase = (pod.status as { phase?: string } | undefined)?.phase ?? "Pending";
  const terminal = phase === "Succeeded" || phase === "Failed";
  // canIgnorePDB: the pod disrupts nothing more by going. A running pod is deleted only in the
  // version checked, so it cannot turn Ready in between.
  if (terminal || phase === "Pending" || pod.metadata.deletionTimestamp) {
    const enforce = !terminal && !pod.metadata.deletionTimestamp && !asked.preconditions?.resourceVersion;
    await markAndDelete(enforce ? pod.metadata.resourceVersion : undefined);
    return { status: 201, body: successStatus() };
  }

  const budgets = await budgetsSelecting(req, pod);
  if (budgets.length > 1) {
    return {
      status: 500,
      body: {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
        code: 500,
      },
    };
  }
  const [budget] = budgets;
  let unhealthyVersion: string | undefined;
  if (budget) {
    const pdbName = budget.metadata.name ?? "";
    const status = budgetStatus(budget);
    const policy = (budget.spec as { unhealthyPodEvictionPolicy?: string } | undefined)
      ?.unhealthyPodEvictionPolicy;
    const ready = (
      (pod.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
    ).some((c) => c.type === "Ready" && c.status === "True");
    // An unready pod counts for nothing in the budget: it goes without taking a disruption when the
    // policy says AlwaysAllow, or while the application is healthy anyway (IfHealthyBudget).
    const healthyAnyway = status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0;
    if (!ready && (policy === "AlwaysAllow" || healthyAnyway)) {
      unhealthyVersion = pod.metadata.resourceVersion;
    } else {
      await takeDisruption(req, pdbName, podName, dryRun);
    }
  }
  try {
    await markAndDelete(asked.preconditions?.resourceVersion ?? unhealthyVersion);
  } catch (err) {
    // The unready pod changed (turned Ready?) since it was checked: the client retries.
    const ours = unhealthyVersion && !asked.preconditions?.resourceVersion;
    if (err instanceof ApiError && err.reason === "Conflict" && ours && budget) {
      throw budgetBeingProcessed(budget.metadata.name ?? "");
    }
    throw err;
  }
  return { status: 201, body: successStatus() };
}

/** GET pods/<name>/log: containers run in the simulated kubelet; until then none has started. */
export async function logHandler(req: KubeRequest, podName: string): Promise<KubeResponse> {
  const ref = storageRef(req, podName);
  const stored = await req.runtime.store.get(req.clusterId, ref);
  if (!stored) throw objectNotFound(ref);
  const pod = fromStorage(req, stored) as KubeObject & { spec?: { containers?: { name: string }[] } };
  const containers = pod.spec?.containers ?? [];
  const wanted = req.query.get("container") ?? containers[0]?.name ?? "";
  if (!containers.some((c) => c.name === wanted)) {
    throw new ApiError("BadRequest", `container ${wanted} is not valid for pod ${podName}`);
  }
  throw new ApiError(
    "BadRequest",
    `container "${wanted}" in pod "${podName}" is waiting to start: ContainerCreating`,
  );
}

/**
 * metrics.k8s.io (`kubectl top`): what metrics-server would report, computed from the simulation —
 * each running container's usage from its image, each node's from its pods plus its own daemons.
 * Pods with no running container have no metrics yet, as with metrics-server.
 */
export async function metricsHandler(req: KubeRequest, name: string | undefined): Promise<KubeResponse> {
  const isPods = req.def.resource === "pods";
  const pods = await req.runtime.store.list(req.clusterId, {
    group: "",
    resource: "pods",
    ...(isPods && req.path.namespace !== undefined ? { namespace: req.path.namespace } : {}),
  });
  const window = scrapeWindow(req.now);
  const timestamp = kubeTime(window);
  const usageOf = (pod: KubeObject) => {
    const spec = pod.spec as {
      containers?: { name: string; image: string; resources?: { limits?: { memory?: string } } }[];
    };
    const statuses =
      (pod.status as { containerStatuses?: { name: string; state?: { running?: unknown } }[] })
        ?.containerStatuses ?? [];
    return (spec.containers ?? [])
      .filter((c) => statuses.some((st) => st.name === c.name && st.state?.running))
      .map((c) => {
        const limit = parseQuantity(c.resources?.limits?.memory);
        const limitBytes = limit ? Number(milliValue(limit) / 1000n) : undefined;
        return {
          name: c.name,
          usage: containerUsage(c.image, `${pod.metadata.uid}/${c.name}`, req.now, limitBytes),
        };
      });
  };
  let items: Record<string, unknown>[];
  if (isPods) {
    items = pods.items
      .filter((p) => !name || p.metadata.name === name)
      .map((p) => ({ pod: p, containers: usageOf(p) }))
      .filter((p) => p.containers.length > 0)
      .map(({ pod, containers }) => ({
        metadata: {
          name: pod.metadata.name,
          namespace: pod.metadata.namespace,
          creationTimestamp: kubeTime(req.now),
          labels: pod.metadata.labels,
        },
        timestamp,
        window: "15s",
        containers: containers.map((c) => ({ name: c.name, usage: formatUsage(c.usage) })),
      }));
  } else {
    const nodes = await req.runtime.store.list(req.clusterId, { group: "", resource: "nodes" });
    items = nodes.items
      .filter((n) => !name || n.metadata.name === name)
      .filter((n) => !simulatedFailure(n))
      .map((node) => {
        const total = nodeOverhead(node.metadata.name ?? "", req.now);
        for (const pod of pods.items) {
          if ((pod.spec as { nodeName?: string }).nodeName !== node.metadata.name) continue;
          for (const c of usageOf(pod)) {
            total.cpuNanoCores += c.usage.cpuNanoCores;
            total.memoryBytes += c.usage.memoryBytes;
          }
        }
        return {
          metadata: {
            name: node.metadata.name,
            creationTimestamp: kubeTime(req.now),
            labels: node.metadata.labels,
          },
          timestamp,
          window: "15s",
          usage: formatUsage(total),
        };
      });
  }
  const kind = isPods ? "PodMetrics" : "NodeMetrics";
  if (name) {
    const item = items[0];
    if (!item)
      throw new ApiError("NotFound", `${req.def.resource}.metrics.k8s.io "${name}" not found`, {
        name,
        group: "metrics.k8s.io",
        kind: req.def.resource,
      });
    return { status: 200, body: { kind, apiVersion: "metrics.k8s.io/v1beta1", ...item } };
  }
  return {
    status: 200,
    body: { kind: `${kind}List`, apiVersion: "metrics.k8s.io/v1beta1", metadata: {}, items },
  };
}
