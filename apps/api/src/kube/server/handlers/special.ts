import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { objectConflict, objectNotFound } from "../../store/errors.ts";
import { decodeObjectBody } from "../request-body.ts";
import { successStatus } from "../status.ts";
import { fromStorage, type KubeRequest, type KubeResponse, storageRef } from "./context.ts";
import { deleteObject } from "./delete.ts";
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

/** POST pods/<name>/binding or bindings: sets spec.nodeName once (the scheduler's write). */
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
  await modifyObject(
    podReq,
    podName,
    (pod) => {
      const spec = pod.spec as { nodeName?: string };
      if (spec.nodeName) {
        throw objectConflict(
          { group: "", resource: "pods", namespace: req.path.namespace ?? "", name: podName },
          `pod ${podName} is already assigned to node "${spec.nodeName}"`,
        );
      }
      spec.nodeName = node;
      return pod;
    },
    { ...writeOptions(req), subresource: "binding", skipKindValidation: true },
  );
  return { status: 201, body: successStatus() };
}

/** POST pods/<name>/eviction: deletes the pod (PodDisruptionBudgets come with the controllers). */
export async function evictionHandler(req: KubeRequest, podName: string): Promise<KubeResponse> {
  const eviction = decodeObjectBody(await req.body(), req.contentType, {
    apiVersion: "policy/v1",
    kind: "Eviction",
  }) as KubeObject & {
    deleteOptions?: { gracePeriodSeconds?: number; dryRun?: string[] };
  };
  await deleteObject({ ...req, path: { ...req.path, subresource: undefined } }, podName, {
    propagationPolicy: "Background",
    dryRun: (eviction.deleteOptions?.dryRun?.length ?? 0) > 0,
    ...(eviction.deleteOptions?.gracePeriodSeconds !== undefined
      ? { gracePeriodSeconds: eviction.deleteOptions.gracePeriodSeconds }
      : {}),
  });
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

/** metrics.k8s.io: usage comes from the simulation later; the API answers now. */
export async function metricsHandler(req: KubeRequest, name: string | undefined): Promise<KubeResponse> {
  const isPods = req.def.resource === "pods";
  const source = { group: "", resource: isPods ? "pods" : "nodes" };
  const listed = await req.runtime.store.list(req.clusterId, {
    ...source,
    ...(isPods && req.path.namespace !== undefined ? { namespace: req.path.namespace } : {}),
  });
  const items = listed.items
    .filter((o) => !name || o.metadata.name === name)
    .map((o) => {
      const metadata = {
        name: o.metadata.name,
        ...(isPods ? { namespace: o.metadata.namespace } : {}),
        creationTimestamp: req.now.toISOString().slice(0, 19) + "Z",
        labels: o.metadata.labels,
      };
      const usage = { cpu: "0", memory: "0" };
      return isPods
        ? {
            metadata,
            timestamp: metadata.creationTimestamp,
            window: "30s",
            containers: ((o.spec as { containers?: { name: string }[] }).containers ?? []).map((c) => ({
              name: c.name,
              usage,
            })),
          }
        : { metadata, timestamp: metadata.creationTimestamp, window: "30s", usage };
    });
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
