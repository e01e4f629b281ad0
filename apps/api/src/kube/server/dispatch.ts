import { ApiError } from "../../errors.ts";
import { findResource } from "../registry/registry.ts";
import type { Verb } from "../registry/types.ts";
import type { KubeRequest, KubeResponse } from "./handlers/context.ts";
import { createHandler } from "./handlers/create.ts";
import { deleteHandler, deleteObject, deleteOptions } from "./handlers/delete.ts";
import { patchHandler } from "./handlers/patch.ts";
import { podLogHandler } from "./handlers/pod-logs.ts";
import { getHandler, listHandler } from "./handlers/read.ts";
import { scaleHandler } from "./handlers/scale.ts";
import { accessReviewHandler, bindingHandler, evictionHandler, metricsHandler } from "./handlers/special.ts";
import { updateHandler } from "./handlers/update.ts";
import { watchHandler } from "./handlers/watch.ts";
import type { ResourcePath } from "./request-info.ts";
import { successStatus } from "./status.ts";

export type RequestBase = Omit<KubeRequest, "def" | "path">;

const notFound = () => new ApiError("NotFound", "the server could not find the requested resource");
const notAllowed = () =>
  new ApiError("MethodNotAllowed", "the server does not allow this method on the requested resource");

const VERB_OF: Record<string, Verb> = {
  GET: "get",
  POST: "create",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};

/** Routes a resource request to its handler, as kube-apiserver's installer would. */
export async function dispatchResource(
  base: RequestBase,
  method: string,
  path: ResourcePath,
): Promise<KubeResponse> {
  const def = findResource(path.group, path.version, path.resource);
  if (!def) throw notFound();
  // A namespaced resource under /namespaces/<ns>/ or across namespaces (list only); a cluster one never.
  if (!def.namespaced && path.namespace !== undefined) throw notFound();
  if (def.namespaced && path.namespace === undefined && path.name !== undefined) throw notFound();
  const req: KubeRequest = { ...base, def, path };
  const { name, subresource } = path;

  if (def.group === "metrics.k8s.io") {
    if (method !== "GET" || subresource) throw notAllowed();
    return metricsHandler(req, name);
  }
  if (def.group === "authorization.k8s.io") {
    if (method !== "POST" || name) throw notAllowed();
    return accessReviewHandler(req);
  }
  if (def.resource === "bindings" && def.group === "") {
    if (method !== "POST" || name) throw notAllowed();
    const body = JSON.parse(Buffer.from(await req.body()).toString("utf8") || "{}") as {
      metadata?: { name?: string };
    };
    const bytes = Buffer.from(JSON.stringify(body));
    return bindingHandler({ ...req, body: async () => bytes }, body.metadata?.name ?? "");
  }

  if (name === undefined) {
    if (method === "GET") {
      if (req.query.get("watch") === "true" || req.query.get("watch") === "1") return watchHandler(req);
      return listHandler(req, { storedJson: true });
    }
    if (method === "POST") return requireVerb(def.verbs, "create", () => createHandler(req));
    if (method === "DELETE") return requireVerb(def.verbs, "deletecollection", () => deleteCollection(req));
    throw notAllowed();
  }

  if (subresource) {
    const sub = def.subresources.find((s) => s.name === subresource);
    if (!sub) throw notFound();
    const verb = VERB_OF[method];
    if (!verb || !sub.verbs.includes(verb)) throw notAllowed();
    switch (subresource) {
      case "status":
        if (method === "GET") return getHandler(req, name);
        return method === "PUT" ? updateHandler(req, name) : patchHandler(req, name);
      case "scale":
        return scaleHandler(req, method, name);
      case "binding":
        return bindingHandler(req, name);
      case "eviction":
        return evictionHandler(req, name);
      case "log":
        return podLogHandler(req, name);
      default:
        throw new ApiError("MethodNotAllowed", `the server does not support ${subresource} yet`);
    }
  }

  switch (method) {
    case "GET":
      return getHandler(req, name, { storedJson: true });
    case "PUT":
      return requireVerb(def.verbs, "update", () => updateHandler(req, name));
    case "PATCH":
      return requireVerb(def.verbs, "patch", () => patchHandler(req, name));
    case "DELETE":
      return requireVerb(def.verbs, "delete", () => deleteHandler(req, name));
    default:
      throw notAllowed();
  }
}

function requireVerb(
  verbs: readonly Verb[],
  verb: Verb,
  run: () => Promise<KubeResponse>,
): Promise<KubeResponse> {
  if (!verbs.includes(verb)) throw notAllowed();
  return run();
}

/** DELETE of a collection: every object the selectors match. */
async function deleteCollection(req: KubeRequest): Promise<KubeResponse> {
  const options = await deleteOptions(req);
  const listed = await listHandler({ ...req, accept: "application/json" });
  const items = (listed.body as { items: { metadata: { name: string } }[] }).items;
  for (const item of items) {
    await deleteObject(req, item.metadata.name, options).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.reason === "NotFound")) throw err;
    });
  }
  return { status: 200, body: successStatus() };
}
