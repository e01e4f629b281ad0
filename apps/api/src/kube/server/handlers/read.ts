import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { buildTable } from "../../printers/index.ts";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../../selectors/index.ts";
import { withSimulatedHeartbeat } from "../../simulation/node-heartbeat.ts";
import { objectNotFound } from "../../store/errors.ts";
import { includeObjectParam, tableVersion } from "../negotiation.ts";
import {
  apiVersionOf,
  fromFreshStorage,
  fromStorage,
  type KubeRequest,
  type KubeResponse,
  storageRef,
} from "./context.ts";

/** GET of one object, as JSON or as a one-row Table. */
export async function getHandler(req: KubeRequest, name: string): Promise<KubeResponse> {
  const { def } = req;
  const ref = storageRef(req, name);
  const stored = await req.runtime.store.get(req.clusterId, ref);
  if (!stored) throw objectNotFound({ ...ref, group: def.group, resource: def.resource });
  const obj = viewOf(req, stored);
  const table = tableVersion(req.accept);
  if (table) {
    return {
      status: 200,
      body: buildTable(def.group, def.resource, [obj], {
        now: req.now,
        resourceVersion: obj.metadata.resourceVersion ?? "",
        includeObject: includeObjectParam(req.query),
        apiVersion: table,
      }),
    };
  }
  return { status: 200, body: obj };
}

/** What a read returns for a stored object: the requested version, with simulated heartbeats. */
function viewOf(req: KubeRequest, stored: KubeObject, fresh = false): KubeObject {
  return withSimulatedHeartbeat(
    req.def.storage.group,
    req.def.storage.resource,
    fresh ? fromFreshStorage(req, stored) : fromStorage(req, stored),
    req.now,
  );
}

interface ContinueToken {
  rv: number;
  namespace: string;
  name: string;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as ContinueToken;
    if (typeof parsed.namespace === "string" && typeof parsed.name === "string") return parsed;
  } catch {
    // fall through
  }
  throw new ApiError("BadRequest", "continue key is not valid: illegal base64 data at input byte 0");
}

/** LIST of a collection: selectors, paging, JSON list or Table. */
export async function listHandler(req: KubeRequest): Promise<KubeResponse> {
  const { def, query } = req;
  const labelSel = query.get("labelSelector") ? parseLabelSelector(query.get("labelSelector")!) : undefined;
  const fieldSel = query.get("fieldSelector")
    ? parseFieldSelector(query.get("fieldSelector")!, def.group, def.resource)
    : undefined;
  const limitParam = Number(query.get("limit") ?? 0);
  const limit = Number.isFinite(limitParam) && limitParam > 0 ? Math.floor(limitParam) : undefined;
  const cont = query.get("continue") ? decodeContinue(query.get("continue")!) : undefined;
  if (!cont) await checkListVersion(req);
  const listed = await req.runtime.store.list(req.clusterId, {
    group: def.storage.group,
    resource: def.storage.resource,
    ...(def.namespaced && req.path.namespace !== undefined ? { namespace: req.path.namespace } : {}),
    ...(cont ? { after: { namespace: cont.namespace, name: cont.name } } : {}),
  });
  const matching: KubeObject[] = [];
  let more = false;
  for (const stored of listed.items) {
    if (labelSel && !matchesLabels(labelSel, stored.metadata.labels)) continue;
    // The list's rows were decoded for this request alone: no need to copy them again.
    const obj = viewOf(req, stored, true);
    if (fieldSel && !matchesFields(fieldSel, obj)) continue;
    if (limit !== undefined && matching.length === limit) {
      more = true;
      break;
    }
    matching.push(obj);
  }
  const last = matching[matching.length - 1];
  const continueToken =
    more && last
      ? Buffer.from(
          JSON.stringify({
            rv: listed.resourceVersion,
            namespace: last.metadata.namespace ?? "",
            name: last.metadata.name,
          }),
        ).toString("base64url")
      : undefined;
  const resourceVersion = String(cont?.rv ?? listed.resourceVersion);
  const table = tableVersion(req.accept);
  if (table) {
    return {
      status: 200,
      body: buildTable(def.group, def.resource, matching, {
        now: req.now,
        resourceVersion,
        includeObject: includeObjectParam(query),
        apiVersion: table,
        ...(continueToken ? { continue: continueToken } : {}),
      }),
    };
  }
  return {
    status: 200,
    body: {
      kind: `${def.kind}List`,
      apiVersion: apiVersionOf(def.group, def.version),
      metadata: { resourceVersion, ...(continueToken ? { continue: continueToken } : {}) },
      items: matching,
    },
  };
}

/** How long a list "not older than" a future version waits for the cluster to get there. */
const TOO_LARGE_WAIT_MS = 3000;

/**
 * resourceVersion semantics of a list: "" and "0" serve the latest state; "N" (NotOlderThan, the
 * default) waits briefly for a version the cluster has not reached yet, then answers 504 as
 * kube-apiserver does; Exact of a version older than the retained changes answers 410 Gone.
 */
async function checkListVersion(req: KubeRequest): Promise<void> {
  const raw = req.query.get("resourceVersion") ?? "";
  const match = req.query.get("resourceVersionMatch") ?? "";
  if (match && !["NotOlderThan", "Exact"].includes(match)) {
    throw new ApiError("BadRequest", `invalid resourceVersionMatch: ${match}`);
  }
  if (raw === "" || raw === "0") {
    if (match === "Exact") {
      throw new ApiError(
        "Invalid",
        'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0"',
      );
    }
    return;
  }
  const wanted = Number(raw);
  if (!Number.isInteger(wanted) || wanted < 0)
    throw new ApiError("BadRequest", `invalid resource version: ${raw}`);
  const deadline = Date.now() + TOO_LARGE_WAIT_MS;
  for (;;) {
    const versions = await req.runtime.store.versions(req.clusterId);
    if (!versions) throw new ApiError("NotFound", "the server could not find the requested resource");
    if (match === "Exact" && wanted < versions.compactedRv) {
      throw new ApiError("Expired", `too old resource version: ${wanted} (${versions.compactedRv})`);
    }
    if (match === "Exact" && wanted !== versions.rv && wanted <= versions.rv) {
      // Past states are not kept as snapshots: only the current version can be listed exactly.
      throw new ApiError("Expired", `too old resource version: ${wanted} (${versions.rv})`);
    }
    if (wanted <= versions.rv) return;
    if (Date.now() > deadline) {
      throw new ApiError("Timeout", `Too large resource version: ${wanted}, current: ${versions.rv}`, {
        causes: [{ reason: "ResourceVersionTooLarge", message: "Too large resource version" }],
        retryAfterSeconds: 1,
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
