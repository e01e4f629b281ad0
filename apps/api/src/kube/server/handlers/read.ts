import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import { type BuildTableOptions, buildTable, buildTableJson } from "../../printers/index.ts";
import type { ResourceDefinition } from "../../registry/types.ts";
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from "../../selectors/index.ts";
import { hasSimulatedHeartbeat, withSimulatedHeartbeat } from "../../simulation/node-heartbeat.ts";
import { objectNotFound } from "../../store/errors.ts";
import type { FollowedObject } from "../../store/followed-lists.ts";
import { SecretCipher } from "../../store/secret-encryption.ts";
import { labelledBytes, typeMetaPrefix } from "../../store/stored-json.ts";
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

type TableVersion = NonNullable<ReturnType<typeof tableVersion>>;

/** What a list asks for, beyond its collection. */
interface ListQuery {
  labelSel?: ReturnType<typeof parseLabelSelector>;
  fieldSel?: ReturnType<typeof parseFieldSelector>;
  limit?: number;
  cont?: ContinueToken;
  /** The Table version asked for, if a Table. */
  table?: TableVersion;
}

/**
 * LIST of a collection: selectors, paging, JSON list or Table. With `storedJson`, a plain list may
 * answer with a body that is already JSON (bytes, for HTTP responses); otherwise `body.items` are
 * objects (for callers that use them; shared and frozen where the list is followed).
 */
export async function listHandler(
  req: KubeRequest,
  options: { storedJson?: boolean } = {},
): Promise<KubeResponse> {
  const { def, query } = req;
  const limitParam = Number(query.get("limit") ?? 0);
  const limit = Number.isFinite(limitParam) && limitParam > 0 ? Math.floor(limitParam) : undefined;
  const cont = query.get("continue") ? decodeContinue(query.get("continue")!) : undefined;
  const table = tableVersion(req.accept);
  const list: ListQuery = {
    ...(query.get("labelSelector") ? { labelSel: parseLabelSelector(query.get("labelSelector")!) } : {}),
    ...(query.get("fieldSelector")
      ? { fieldSel: parseFieldSelector(query.get("fieldSelector")!, def.group, def.resource) }
      : {}),
    ...(limit ? { limit } : {}),
    ...(cont ? { cont } : {}),
    ...(table ? { table } : {}),
  };
  if (!cont) await checkListVersion(req);
  return servedAsStored(def) ? listFollowed(req, list, options.storedJson === true) : listRead(req, list);
}

/**
 * A list of a resource served as stored, from the store's followed list of it: the changes since
 * the last list are read, not every object. A JSON list sends the stored bytes of each object as
 * they are; selectors and Tables read the objects, parsed once per version and shared.
 */
async function listFollowed(req: KubeRequest, list: ListQuery, storedJson: boolean): Promise<KubeResponse> {
  const { def } = req;
  const followed = await req.runtime.store.follow(req.clusterId, def.storage.group, def.storage.resource);
  const namespace = def.namespaced ? req.path.namespace : undefined;
  const { labelSel, fieldSel, limit, cont } = list;
  const matching: FollowedObject[] = [];
  let more = false;
  for (const entry of followed.entries) {
    if (namespace !== undefined && entry.namespace !== namespace) continue;
    if (cont && !isAfter(entry, cont)) continue;
    if (labelSel && !matchesLabels(labelSel, entry.object.metadata.labels)) continue;
    if (fieldSel && !matchesFields(fieldSel, entry.object)) continue;
    if (limit !== undefined && matching.length === limit) {
      more = true;
      break;
    }
    matching.push(entry);
  }
  const page = listPage(
    req,
    list,
    followed.resourceVersion,
    more ? matching[matching.length - 1] : undefined,
  );
  const typeMeta = { apiVersion: page.apiVersion, kind: def.kind };
  const prefix = Buffer.from(typeMetaPrefix(typeMeta));
  if (list.table && storedJson) {
    // The rows' objects are spliced in from bytes serialised once per object version.
    const rows = matching.map((entry) => ({
      object: entry.object,
      json: () => labelledBytes(entry.json, typeMeta, prefix),
      metadataJson: () => entry.metadataJson,
    }));
    const options = tableOptions(req, list.table, page);
    return { status: 200, body: buildTableJson(def.group, def.resource, rows, options) };
  }
  if (list.table)
    return tableList(
      req,
      list.table,
      matching.map((e) => e.object),
      page,
    );
  if (!storedJson) return { status: 200, body: { ...page, items: matching.map((e) => e.object) } };
  // The list's own fields, then the items' stored bytes: no object is parsed or serialised.
  const head = JSON.stringify(page);
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
  matching.forEach((entry, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(labelledBytes(entry.json, typeMeta, prefix));
  });
  parts.push(LIST_END);
  return { status: 200, body: Buffer.concat(parts) };
}

const COMMA = Buffer.from(",");
const LIST_END = Buffer.from("]}");

/** A list of a resource converted, sealed or simulated at read time: read and decoded per request. */
async function listRead(req: KubeRequest, list: ListQuery): Promise<KubeResponse> {
  const { def } = req;
  const { labelSel, fieldSel, limit, cont } = list;
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
  const last = more ? matching[matching.length - 1]?.metadata : undefined;
  const page = listPage(
    req,
    list,
    listed.resourceVersion,
    last ? { namespace: last.namespace ?? "", name: last.name ?? "" } : undefined,
  );
  if (list.table) return tableList(req, list.table, matching, page);
  return { status: 200, body: { ...page, items: matching } };
}

/** Whether an object comes after the place a continue token left off (list order). */
function isAfter(entry: { namespace: string; name: string }, cont: ContinueToken): boolean {
  if (entry.namespace !== cont.namespace) return entry.namespace > cont.namespace;
  return entry.name > cont.name;
}

/** A list's own fields: its kind and version, and, when there is more, where the next page begins. */
interface ListPageFields {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
}

function listPage(
  req: KubeRequest,
  list: ListQuery,
  listedRv: number,
  last: { namespace: string; name: string } | undefined,
): ListPageFields {
  const { def } = req;
  // Every page of one list reports the version of its first page, as its continue token carries.
  const rv = list.cont?.rv ?? listedRv;
  return {
    kind: `${def.kind}List`,
    apiVersion: apiVersionOf(def.group, def.version),
    metadata: {
      resourceVersion: String(rv),
      ...(last ? { continue: encodeContinue({ rv, namespace: last.namespace, name: last.name }) } : {}),
    },
  };
}

function tableList(
  req: KubeRequest,
  table: TableVersion,
  objects: readonly KubeObject[],
  page: ListPageFields,
): KubeResponse {
  return {
    status: 200,
    body: buildTable(req.def.group, req.def.resource, objects, tableOptions(req, table, page)),
  };
}

function tableOptions(req: KubeRequest, table: TableVersion, page: ListPageFields): BuildTableOptions {
  return {
    now: req.now,
    resourceVersion: page.metadata.resourceVersion,
    includeObject: includeObjectParam(req.query),
    apiVersion: table,
    ...(page.metadata.continue ? { continue: page.metadata.continue } : {}),
  };
}

/**
 * Whether the store may follow a resource's list for its readers: what is stored is what a read of
 * this version returns, nothing converted or sealed (Secrets).
 */
export function followable(def: ResourceDefinition): boolean {
  const { group, version, resource, storage } = def;
  return (
    !def.conversion &&
    storage.group === group &&
    storage.version === version &&
    storage.resource === resource &&
    !SecretCipher.applies(group, resource)
  );
}

/** Whether a read returns exactly what is stored: followable, and nothing simulated at read time (Node heartbeats). */
function servedAsStored(def: ResourceDefinition): boolean {
  return followable(def) && !hasSimulatedHeartbeat(def.group, def.resource);
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
