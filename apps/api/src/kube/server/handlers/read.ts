import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { buildTable } from "../../printers/index.ts";
import type { ResourceDefinition } from "../../registry/types.ts";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../../selectors/index.ts";
import { hasSimulatedHeartbeat, withSimulatedHeartbeat } from "../../simulation/node-heartbeat.ts";
import { objectNotFound } from "../../store/errors.ts";
import { SecretCipher } from "../../store/secret-encryption.ts";
import type { ListOptions } from "../../store/types.ts";
import { includeObjectParam, tableVersion } from "../negotiation.ts";
import {
  apiVersionOf,
  fromFreshStorage,
  fromStorage,
  type KubeRequest,
  type KubeResponse,
  storageRef,
} from "./context.ts";

/**
 * GET of one object, as JSON or as a one-row Table. With `storedJson`, JSON of a resource served as
 * stored answers with the stored text itself (for HTTP responses); otherwise `body` is the object.
 */
export async function getHandler(
  req: KubeRequest,
  name: string,
  options: { storedJson?: boolean } = {},
): Promise<KubeResponse> {
  const { def } = req;
  const ref = storageRef(req, name);
  if (options.storedJson && servedAsStored(def) && !tableVersion(req.accept)) {
    const typeMeta = { apiVersion: apiVersionOf(def.group, def.version), kind: def.kind };
    const text = await req.runtime.store.getStoredJson(req.clusterId, ref, typeMeta);
    if (text === undefined) throw objectNotFound({ ...ref, group: def.group, resource: def.resource });
    return { status: 200, body: text };
  }
  const stored = await req.runtime.store.get(req.clusterId, ref);
  if (!stored) throw objectNotFound({ ...ref, group: def.group, resource: def.resource });
  // Decoded for this request alone: no need to copy it again.
  const obj = viewOf(req, stored, true);
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

/**
 * LIST of a collection: selectors, paging, JSON list or Table. With `storedJson`, a plain list may
 * answer with a body that is already JSON text (for HTTP responses); otherwise `body.items` are
 * objects (for callers that use them).
 */
export async function listHandler(
  req: KubeRequest,
  options: { storedJson?: boolean } = {},
): Promise<KubeResponse> {
  const { def, query } = req;
  const labelSel = query.get("labelSelector") ? parseLabelSelector(query.get("labelSelector")!) : undefined;
  const fieldSel = query.get("fieldSelector")
    ? parseFieldSelector(query.get("fieldSelector")!, def.group, def.resource)
    : undefined;
  const limitParam = Number(query.get("limit") ?? 0);
  const limit = Number.isFinite(limitParam) && limitParam > 0 ? Math.floor(limitParam) : undefined;
  const cont = query.get("continue") ? decodeContinue(query.get("continue")!) : undefined;
  if (!cont) await checkListVersion(req);
  const listOptions = {
    group: def.storage.group,
    resource: def.storage.resource,
    ...(def.namespaced && req.path.namespace !== undefined ? { namespace: req.path.namespace } : {}),
    ...(cont ? { after: { namespace: cont.namespace, name: cont.name } } : {}),
  };
  const table = tableVersion(req.accept);
  const asStored = options.storedJson === true && servedAsStored(def);
  if (asStored && !labelSel && !fieldSel && !table) {
    return listAsStored(req, { ...listOptions, ...(limit ? { limit } : {}) }, cont?.rv);
  }
  // A Table only reads the objects it prints: they may be shared, parsed once while unchanged.
  const listed =
    asStored && table
      ? await req.runtime.store.listShared(req.clusterId, listOptions)
      : await req.runtime.store.list(req.clusterId, listOptions);
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
      ? encodeContinue({
          rv: cont?.rv ?? listed.resourceVersion,
          namespace: last.metadata.namespace ?? "",
          name: last.metadata.name ?? "",
        })
      : undefined;
  const resourceVersion = String(cont?.rv ?? listed.resourceVersion);
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

/**
 * Whether what is stored is exactly what a read returns: the requested version is the storage
 * version, nothing is converted, sealed (Secrets) or simulated at read time (Node heartbeats).
 */
function servedAsStored(def: ResourceDefinition): boolean {
  const { group, version, resource, storage } = def;
  return (
    !def.conversion &&
    storage.group === group &&
    storage.version === version &&
    storage.resource === resource &&
    !SecretCipher.applies(group, resource) &&
    !hasSimulatedHeartbeat(group, resource)
  );
}

/**
 * A plain JSON list of a resource served as stored: the stored JSON texts go out as they are,
 * without a parse and a serialisation of every object.
 */
async function listAsStored(
  req: KubeRequest,
  options: ListOptions,
  continuedFromRv: number | undefined,
): Promise<KubeResponse> {
  const { def } = req;
  const apiVersion = apiVersionOf(def.group, def.version);
  const listed = await req.runtime.store.listStoredJson(req.clusterId, options, {
    apiVersion,
    kind: def.kind,
  });
  // Every page of one list reports the version of its first page, as its continue token carries.
  const rv = continuedFromRv ?? listed.resourceVersion;
  const metadata = {
    resourceVersion: String(rv),
    ...(listed.last ? { continue: encodeContinue({ rv, ...listed.last }) } : {}),
  };
  const head = JSON.stringify({ kind: `${def.kind}List`, apiVersion, metadata });
  return { status: 200, body: `${head.slice(0, -1)},"items":[${listed.items.join(",")}]}` };
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
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
