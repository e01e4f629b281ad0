import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { applyJsonPatch, applyMergePatch } from "../../patch/index.ts";
import { formatLabelSelector } from "../../selectors/index.ts";
import { objectNotFound } from "../../store/errors.ts";
import { decodeObjectBody, parseJson } from "../request-body.ts";
import { fromStorage, type KubeRequest, type KubeResponse, storageRef } from "./context.ts";
import { modifyObject } from "./modify.ts";
import { writeOptions } from "./write-options.ts";

interface ScalableSpec {
  replicas?: number;
  selector?: Record<string, unknown>;
}

/** The autoscaling/v1 Scale view of a workload. */
function toScale(obj: KubeObject): KubeObject {
  const spec = (obj.spec ?? {}) as ScalableSpec;
  const status = (obj.status ?? {}) as { replicas?: number };
  const selector = spec.selector ?? {};
  // ReplicationControllers have a plain map selector; the apps kinds a LabelSelector.
  const formatted =
    "matchLabels" in selector || "matchExpressions" in selector
      ? formatLabelSelector(selector as never)
      : Object.entries(selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector: formatted === "<none>" ? "" : formatted },
  };
}

/** GET/PUT/PATCH <workload>/scale. */
export async function scaleHandler(req: KubeRequest, method: string, name: string): Promise<KubeResponse> {
  const ref = storageRef(req, name);
  if (method === "GET") {
    const stored = await req.runtime.store.get(req.clusterId, ref);
    if (!stored) throw objectNotFound({ ...ref, group: req.def.group, resource: req.def.resource });
    return { status: 200, body: toScale(fromStorage(req, stored)) };
  }
  const bytes = await req.body();
  const options = writeOptions(req);
  const updated = await modifyObject(
    req,
    name,
    (current) => {
      const currentScale = toScale(current);
      let wanted: KubeObject;
      if (method === "PUT")
        wanted = decodeObjectBody(bytes, req.contentType, { apiVersion: "autoscaling/v1", kind: "Scale" });
      else if ((req.contentType ?? "").startsWith("application/json-patch+json"))
        wanted = applyJsonPatch(currentScale, parseJson(bytes)) as KubeObject;
      else wanted = applyMergePatch(currentScale, parseJson(bytes)) as KubeObject;
      const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
        throw new ApiError(
          "Invalid",
          `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
          {
            name,
            group: "autoscaling",
            kind: "Scale",
            causes: [
              {
                reason: "FieldValueInvalid",
                message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
                field: "spec.replicas",
              },
            ],
          },
        );
      }
      const rv = wanted.metadata?.resourceVersion;
      const next = structuredClone(current);
      next.spec = { ...(next.spec as object), replicas };
      next.metadata.resourceVersion = rv || current.metadata.resourceVersion;
      return next;
    },
    { ...options, subresource: "scale" },
  );
  return { status: 200, body: toScale(updated) };
}
