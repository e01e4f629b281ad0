import { ApiError } from "../../../errors.ts";
import { parseFieldSelector, parseLabelSelector } from "../../selectors/index.ts";
import { openWatch } from "../../watch/watch-stream.ts";
import { includeObjectParam, tableVersion } from "../negotiation.ts";
import type { KubeRequest, KubeResponse } from "./context.ts";

/** Without timeoutSeconds a watch lasts this long (kube-apiserver picks 30–60 min). */
const DEFAULT_TIMEOUT_SECONDS = 30 * 60;

/** `?watch=true` on a collection: a chunked stream of watch events. */
export async function watchHandler(req: KubeRequest): Promise<KubeResponse> {
  const { query, def } = req;
  if (!req.watchHub) throw new ApiError("MethodNotAllowed", "watch is not served by this process");
  const timeout = Number(query.get("timeoutSeconds") ?? DEFAULT_TIMEOUT_SECONDS);
  const sendInitialEvents = query.get("sendInitialEvents") === "true";
  if (sendInitialEvents && query.get("resourceVersionMatch") !== "NotOlderThan") {
    throw new ApiError(
      "Invalid",
      'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
    );
  }
  const table = tableVersion(req.accept);
  const outbox = await openWatch(req.watchHub, req.runtime.store, {
    clusterId: req.clusterId,
    def,
    ...(def.namespaced && req.path.namespace !== undefined ? { namespace: req.path.namespace } : {}),
    ...(query.get("labelSelector") ? { labelSelector: parseLabelSelector(query.get("labelSelector")!) } : {}),
    ...(query.get("fieldSelector")
      ? { fieldSelector: parseFieldSelector(query.get("fieldSelector")!, def.group, def.resource) }
      : {}),
    // sendInitialEvents starts from the current state, whatever version is named.
    resourceVersion: sendInitialEvents ? "" : (query.get("resourceVersion") ?? ""),
    sendInitialEvents,
    allowBookmarks: query.get("allowWatchBookmarks") === "true",
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT_SECONDS,
    ...(table ? { table: { apiVersion: table, includeObject: includeObjectParam(query) } } : {}),
    clock: req.runtime.clock,
  });
  const headers = { "Content-Type": "application/json", "Cache-Control": "no-cache" };
  if (req.nodeResponse) {
    outbox.sendTo(req.nodeResponse, headers);
    return { status: 200, body: undefined, sent: true };
  }
  return { status: 200, body: outbox.toReadableStream(), headers };
}
