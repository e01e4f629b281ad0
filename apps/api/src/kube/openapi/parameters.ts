/**
 * Query and path parameters of the published operations, worded as kube-apiserver 1.32 words them
 * (k8s.io/apimachinery/pkg/apis/meta/v1 ListOptions, CreateOptions, PatchOptions, DeleteOptions).
 */

/** OpenAPI 3.0 parameter object as kube-apiserver writes it. */
export interface Parameter {
  name: string;
  in: "query" | "path";
  description: string;
  required?: true;
  schema: { type: "string" | "integer" | "boolean"; uniqueItems: true };
}

function query(name: string, type: Parameter["schema"]["type"], description: string): Parameter {
  return { name, in: "query", description, schema: { type, uniqueItems: true } };
}

const RESOURCE_VERSIONS = "https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions";

const dryRun = query(
  "dryRun",
  "string",
  "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed",
);
const fieldManagerText =
  "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.";
const fieldManager = query("fieldManager", "string", fieldManagerText);
const patchFieldManager = query(
  "fieldManager",
  "string",
  `${fieldManagerText} This field is required for apply requests (application/apply-patch) but optional for non-apply patch types (JsonPatch, MergePatch, StrategicMergePatch).`,
);
const fieldValidation = query(
  "fieldValidation",
  "string",
  "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. This is the default behavior prior to v1.23. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.",
);
const force = query(
  "force",
  "boolean",
  'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
);
const gracePeriodSeconds = query(
  "gracePeriodSeconds",
  "integer",
  "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.",
);
const orphanDependents = query(
  "orphanDependents",
  "boolean",
  'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.',
);
const propagationPolicy = query(
  "propagationPolicy",
  "string",
  "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
);
const allowWatchBookmarks = query(
  "allowWatchBookmarks",
  "boolean",
  'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion. Clients should not assume bookmarks are returned at any specific interval, nor may they assume the server will send any BOOKMARK event during a session. If this is not a watch, this field is ignored.',
);
const continueToken = query(
  "continue",
  "string",
  "The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue) and the server may reject a continue value it does not recognize. If the specified continue value is no longer valid whether due to expiration (generally five to fifteen minutes) or a configuration change on the server, the server will respond with a 410 ResourceExpired error together with a continue token.",
);
const fieldSelector = query(
  "fieldSelector",
  "string",
  "A selector to restrict the list of returned objects by their fields. Defaults to everything.",
);
const labelSelector = query(
  "labelSelector",
  "string",
  "A selector to restrict the list of returned objects by their labels. Defaults to everything.",
);
const limit = query(
  "limit",
  "integer",
  "limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results.",
);
const resourceVersion = query(
  "resourceVersion",
  "string",
  `resourceVersion sets a constraint on what resource versions a request may be served from. See ${RESOURCE_VERSIONS} for details.\n\nDefaults to unset`,
);
const resourceVersionMatch = query(
  "resourceVersionMatch",
  "string",
  `resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set See ${RESOURCE_VERSIONS} for details.\n\nDefaults to unset`,
);
const sendInitialEvents = query(
  "sendInitialEvents",
  "boolean",
  '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic "Bookmark" event  will be sent.',
);
const timeoutSeconds = query(
  "timeoutSeconds",
  "integer",
  "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.",
);
const watch = query(
  "watch",
  "boolean",
  "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.",
);

/** `pretty`, present on every path upstream. */
export const PRETTY = query("pretty", "string", "If 'true', then the output is pretty printed.");

/** `{namespace}` path parameter. */
export const NAMESPACE_PATH: Parameter = {
  name: "namespace",
  in: "path",
  description: "object name and auth scope, such as for teams and projects",
  required: true,
  schema: { type: "string", uniqueItems: true },
};

/** `{name}` path parameter of a kind. */
export function namePath(kind: string): Parameter {
  return {
    name: "name",
    in: "path",
    description: `name of the ${kind}`,
    required: true,
    schema: { type: "string", uniqueItems: true },
  };
}

/** Query parameters of each operation, by kube-apiserver's action names. */
export const OPERATION_PARAMETERS: Readonly<Record<string, readonly Parameter[]>> = {
  list: [
    allowWatchBookmarks,
    continueToken,
    fieldSelector,
    labelSelector,
    limit,
    resourceVersion,
    resourceVersionMatch,
    sendInitialEvents,
    timeoutSeconds,
    watch,
  ],
  get: [],
  post: [dryRun, fieldManager, fieldValidation],
  put: [dryRun, fieldManager, fieldValidation],
  // kubectl sends fieldValidation=Strict only when the patch operation of the kind lists it
  // (cli-runtime resource/query_param_verifier_v3.go).
  patch: [dryRun, patchFieldManager, fieldValidation, force],
  delete: [dryRun, gracePeriodSeconds, orphanDependents, propagationPolicy],
  deletecollection: [
    continueToken,
    dryRun,
    fieldSelector,
    gracePeriodSeconds,
    labelSelector,
    limit,
    orphanDependents,
    propagationPolicy,
    resourceVersion,
    resourceVersionMatch,
    sendInitialEvents,
    timeoutSeconds,
  ],
};
