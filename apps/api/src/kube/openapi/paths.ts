/**
 * OpenAPI v3 path items for a served resource, shaped like kube-apiserver's (endpoints/installer.go):
 * one operation per verb, each carrying `x-kubernetes-action` and `x-kubernetes-group-version-kind`,
 * which kubectl reads to find a kind's schema (explain) and its patch parameters (field validation).
 */
import { NAMESPACE_PATH, namePath, OPERATION_PARAMETERS, type Parameter, PRETTY } from "./parameters.ts";
import type { GroupVersionKind, Schema } from "./schema-types.ts";
import { type PublishedSubresource, type ServedResource, SUBRESOURCE_KINDS } from "./served-resources.ts";
import { PATCH, ref } from "./special-schemas.ts";

type Action = "list" | "get" | "post" | "put" | "patch" | "delete" | "deletecollection";
type Method = "get" | "post" | "put" | "patch" | "delete";

const STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
const DELETE_OPTIONS = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";

/**
 * Patch types listed in each patch operation's requestBody. Strategic merge patch is deliberately
 * absent: when it is listed kubectl computes SMPs from this schema (needing every merge key), when it
 * is not kubectl falls back to its compiled-in types (kubectl apply/patcher.go).
 */
export const PATCH_CONTENT_TYPES = [
  "application/apply-patch+yaml",
  "application/json-patch+json",
  "application/merge-patch+json",
] as const;

const RESPONSE_TYPES = ["application/json", "application/vnd.kubernetes.protobuf", "application/yaml"];
const WATCH_TYPES = ["application/json;stream=watch", "application/vnd.kubernetes.protobuf;stream=watch"];

/** An operation object with the Kubernetes extensions. */
export interface Operation {
  tags: string[];
  description: string;
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }>; required?: true };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
  "x-kubernetes-action": Action;
  "x-kubernetes-group-version-kind": GroupVersionKind;
}

/** A path item: operations by method and the parameters they share. */
export type PathItem = { [method in Method]?: Operation } & { parameters: Parameter[] };

function content(
  schemaName: string,
  types: readonly string[] = RESPONSE_TYPES,
): Record<string, { schema: Schema }> {
  return Object.fromEntries(types.map((type) => [type, { schema: ref(schemaName) }]));
}

function responses(action: Action, body: string): Operation["responses"] {
  const ok = { description: "OK", content: content(body) };
  const unauthorized = { description: "Unauthorized" };
  switch (action) {
    case "list":
      return {
        "200": { description: "OK", content: content(body, [...RESPONSE_TYPES, ...WATCH_TYPES].sort()) },
        "401": unauthorized,
      };
    case "post":
      return {
        "200": ok,
        "201": { description: "Created", content: content(body) },
        "202": { description: "Accepted", content: content(body) },
        "401": unauthorized,
      };
    case "put":
    case "patch":
      return { "200": ok, "201": { description: "Created", content: content(body) }, "401": unauthorized };
    case "delete":
      return { "200": ok, "202": { description: "Accepted", content: content(body) }, "401": unauthorized };
    default:
      return { "200": ok, "401": unauthorized };
  }
}

function requestBody(action: Action, kindSchema: string): Operation["requestBody"] {
  switch (action) {
    case "post":
    case "put":
      return { content: { "*/*": { schema: ref(kindSchema) } }, required: true };
    case "patch":
      return {
        content: Object.fromEntries(PATCH_CONTENT_TYPES.map((t) => [t, { schema: ref(PATCH) }])),
        required: true,
      };
    case "delete":
    case "deletecollection":
      return { content: { "*/*": { schema: ref(DELETE_OPTIONS) } } };
    default:
      return undefined;
  }
}

/** `Core`, `Apps`, `RbacAuthorization`, as in upstream operation ids. */
function groupWord(group: string): string {
  if (group === "") return "Core";
  return group
    .replace(/\.k8s\.io$/, "")
    .split(".")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

const VERB_WORDS: Record<Action, string> = {
  list: "list",
  get: "read",
  post: "create",
  put: "replace",
  patch: "patch",
  delete: "delete",
  deletecollection: "delete",
};

const DESCRIPTIONS: Record<Action, (kind: string, sub: string) => string> = {
  list: (kind) => `list or watch objects of kind ${kind}`,
  get: (kind, sub) => (sub ? `read ${sub} of the specified ${kind}` : `read the specified ${kind}`),
  post: (kind, sub) => (sub ? `create ${sub} of a ${kind}` : `create a ${kind}`),
  put: (kind, sub) => (sub ? `replace ${sub} of the specified ${kind}` : `replace the specified ${kind}`),
  patch: (kind, sub) =>
    sub ? `partially update ${sub} of the specified ${kind}` : `partially update the specified ${kind}`,
  delete: (kind) => `delete a ${kind}`,
  deletecollection: (kind) => `delete collection of ${kind}`,
};

interface OperationSpec {
  action: Action;
  /** Kind in the URL (the resource's kind), used in ids and descriptions. */
  kind: string;
  /** What the operation reads or writes: the kind itself or a subresource kind such as Scale. */
  gvk: GroupVersionKind;
  bodySchema: string;
  responseSchema: string;
  subresource?: string;
  scope: "Namespaced" | "" | "ForAllNamespaces";
}

function operation(resource: ServedResource, spec: OperationSpec): Operation {
  const version = resource.version.charAt(0).toUpperCase() + resource.version.slice(1);
  const group = groupWord(resource.group);
  const collection = spec.action === "deletecollection" ? "Collection" : "";
  const scoped = spec.scope === "Namespaced" ? "Namespaced" : "";
  const sub = spec.subresource ? spec.subresource.charAt(0).toUpperCase() + spec.subresource.slice(1) : "";
  const suffix = spec.scope === "ForAllNamespaces" ? "ForAllNamespaces" : "";
  const parameters = OPERATION_PARAMETERS[spec.action] ?? [];
  const body = requestBody(spec.action, spec.bodySchema);
  const op: Operation = {
    tags: [`${group.charAt(0).toLowerCase()}${group.slice(1)}_${resource.version}`],
    description: DESCRIPTIONS[spec.action](spec.kind, spec.subresource ?? ""),
    operationId: `${VERB_WORDS[spec.action]}${group}${version}${collection}${scoped}${spec.kind}${sub}${suffix}`,
    ...(parameters.length > 0 ? { parameters: [...parameters] } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(spec.action, spec.responseSchema),
    "x-kubernetes-action": spec.action,
    "x-kubernetes-group-version-kind": spec.gvk,
  };
  return op;
}

function subresourceTarget(
  resource: ServedResource,
  subresource: PublishedSubresource,
): { gvk: GroupVersionKind; schema: string; actions: Action[] } {
  const own = { group: resource.group, kind: resource.kind, version: resource.version };
  switch (subresource) {
    case "status":
    case "ephemeralcontainers":
      return { gvk: own, schema: resource.schema, actions: ["get", "put", "patch"] };
    case "scale":
    case "eviction":
    case "binding": {
      const target = SUBRESOURCE_KINDS[subresource];
      const gvk = { group: target.group, kind: target.kind, version: target.version };
      return {
        gvk,
        schema: target.schema,
        actions: subresource === "scale" ? ["get", "put", "patch"] : ["post"],
      };
    }
  }
}

const METHOD_OF: Record<Action, Method> = {
  list: "get",
  get: "get",
  post: "post",
  put: "put",
  patch: "patch",
  delete: "delete",
  deletecollection: "delete",
};

/** Every path of one served resource, keyed by URL template. */
export function resourcePaths(resource: ServedResource): Record<string, PathItem> {
  const root =
    resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  const scope = resource.namespaced ? "Namespaced" : "";
  const base = resource.namespaced
    ? `${root}/namespaces/{namespace}/${resource.resource}`
    : `${root}/${resource.resource}`;
  const scopeParameters = resource.namespaced ? [NAMESPACE_PATH] : [];
  const gvk = { group: resource.group, kind: resource.kind, version: resource.version };
  const kindSpec = (action: Action): OperationSpec => ({
    action,
    kind: resource.kind,
    gvk,
    bodySchema: resource.schema,
    responseSchema:
      action === "list"
        ? (resource.listSchema ?? resource.schema)
        : action === "deletecollection"
          ? STATUS
          : resource.schema,
    scope,
  });
  const paths: Record<string, PathItem> = {};
  const add = (path: string, parameters: Parameter[], specs: OperationSpec[]): void => {
    if (specs.length === 0) return;
    const item: PathItem = { parameters: [...parameters, PRETTY] };
    for (const spec of specs) item[METHOD_OF[spec.action]] = operation(resource, spec);
    paths[path] = item;
  };
  const verbs = new Set(resource.verbs);
  const collectionActions: Action[] = [];
  if (verbs.has("list")) collectionActions.push("list");
  if (verbs.has("create")) collectionActions.push("post");
  if (verbs.has("deletecollection")) collectionActions.push("deletecollection");
  add(base, scopeParameters, collectionActions.map(kindSpec));

  const itemActions: Action[] = [];
  if (verbs.has("get")) itemActions.push("get");
  if (verbs.has("update")) itemActions.push("put");
  if (verbs.has("patch")) itemActions.push("patch");
  if (verbs.has("delete")) itemActions.push("delete");
  const itemParameters = [namePath(resource.kind), ...scopeParameters];
  add(`${base}/{name}`, itemParameters, itemActions.map(kindSpec));

  if (resource.namespaced && verbs.has("list")) {
    add(`${root}/${resource.resource}`, [], [{ ...kindSpec("list"), scope: "ForAllNamespaces" }]);
  }
  for (const subresource of resource.subresources ?? []) {
    const target = subresourceTarget(resource, subresource);
    add(
      `${base}/{name}/${subresource}`,
      itemParameters,
      target.actions.map((action) => ({
        action,
        kind: resource.kind,
        gvk: target.gvk,
        bodySchema: target.schema,
        responseSchema: target.schema,
        subresource,
        scope,
      })),
    );
  }
  return paths;
}
