import type { KubeObject } from "../../object/types.ts";
import { applyJsonPatch, applyMergePatch } from "../../patch/index.ts";
import { applyScale, toScale } from "../../registry/scale.ts";
import { objectNotFound } from "../../store/errors.ts";
import { decodeObjectBody, parseJson } from "../request-body.ts";
import { fromStorage, type KubeRequest, type KubeResponse, storageRef } from "./context.ts";
import { modifyObject } from "./modify.ts";
import {
  checkBodyTypes,
  checkPatchedTypes,
  checkStrategicPatchTypes,
  type DecodeTarget,
} from "./value-types.ts";
import { writeOptions } from "./write-options.ts";

const SCALE: DecodeTarget = { group: "autoscaling", version: "v1", kind: "Scale" };

/** GET/PUT/PATCH <workload>/scale: the autoscaling/v1 Scale view of a workload's replicas. */
export async function scaleHandler(req: KubeRequest, method: string, name: string): Promise<KubeResponse> {
  const ref = storageRef(req, name);
  if (method === "GET") {
    const stored = await req.runtime.store.get(req.clusterId, ref);
    if (!stored) throw objectNotFound({ ...ref, group: req.def.group, resource: req.def.resource });
    return { status: 200, body: toScale(req.def, fromStorage(req, stored)) };
  }
  const bytes = await req.body();
  const updated = await modifyObject(
    req,
    name,
    (current) => {
      const scale = toScale(req.def, current) as KubeObject;
      let wanted: KubeObject;
      const contentType = req.contentType ?? "";
      if (method === "PUT") {
        wanted = decodeObjectBody(bytes, req.contentType, { apiVersion: "autoscaling/v1", kind: "Scale" });
        checkBodyTypes(SCALE, wanted);
      } else if (contentType.startsWith("application/json-patch+json")) {
        wanted = applyJsonPatch(scale, parseJson(bytes, "patch")) as KubeObject;
        checkPatchedTypes(SCALE, wanted);
      } else {
        // kubectl scale sends a merge patch; a strategic one on Scale merges the same way.
        const patch = parseJson(bytes, "patch");
        wanted = applyMergePatch(scale, patch) as KubeObject;
        if (contentType.startsWith("application/strategic-merge-patch+json")) {
          checkStrategicPatchTypes(SCALE, patch, wanted);
        } else {
          checkPatchedTypes(SCALE, wanted);
        }
      }
      return applyScale(current, wanted);
    },
    { ...writeOptions(req), subresource: "scale" },
  );
  return { status: 200, body: toScale(req.def, updated) };
}
