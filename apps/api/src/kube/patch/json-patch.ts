// RFC 6902 JSON patch with the behaviour of gopkg.in/evanphx/json-patch.v4, which kube-apiserver uses:
// - `replace` of a missing object key adds it (v4 quirk kube has always had);
// - negative array indices count from the end;
// - a JSON null and a missing key are the same thing to `test`.
// Error details follow the library's wording; kube-apiserver answers every failed operation with 422.
import { badRequest, PatchError, unprocessable } from "./errors.ts";
import { deepClone, isObject, jsonEqual } from "./json.ts";

/** One RFC 6902 operation as sent by kubectl (`--type=json`, `rollout undo`, SSA migration). */
export interface JsonPatchOperation {
  readonly op: string;
  readonly path?: string;
  readonly from?: string;
  readonly value?: unknown;
}

/** kube-apiserver's maxJSONPatchOperations. */
const MAX_OPERATIONS = 10_000;

type Container = Record<string, unknown> | unknown[];

/**
 * Applies a JSON patch (the decoded `application/json-patch+json` body) to a copy of `doc`.
 * Throws PatchError: 400 if the body is not a list of operations, 413 past 10000 operations,
 * 422 if an operation does not apply (a failed `test` included).
 */
export function applyJsonPatch(doc: unknown, patch: unknown): unknown {
  const operations = decodeJsonPatch(patch);
  let root = deepClone(doc);
  for (const operation of operations) {
    root = applyOperation(root, operation);
  }
  return root;
}

/** Checks the shape of a JSON patch body the way jsonpatch.DecodePatch does. */
export function decodeJsonPatch(patch: unknown): JsonPatchOperation[] {
  if (!Array.isArray(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonType(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const item of patch) {
    if (!isObject(item)) {
      throw badRequest(
        `json: cannot unmarshal ${goJsonType(item)} into Go value of type jsonpatch.Operation`,
      );
    }
  }
  if (patch.length > MAX_OPERATIONS) {
    throw new PatchError(
      413,
      "RequestEntityTooLarge",
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_OPERATIONS}, got ${patch.length}`,
    );
  }
  return patch as JsonPatchOperation[];
}

function applyOperation(root: unknown, operation: JsonPatchOperation): unknown {
  const kind = typeof operation.op === "string" ? operation.op : "unknown";
  switch (kind) {
    case "add": {
      const path = requirePath(operation, "add operation failed to decode path: missing value");
      const [container, key] = locate(root, path);
      if (!container)
        throw unprocessable(`add operation does not apply: doc is missing path: "${path}": missing value`);
      addTo(container, key, operationValue(operation), `error in add for path: '${path}'`);
      return root;
    }
    case "remove": {
      const path = requirePath(operation, "remove operation failed to decode path: missing value");
      const [container, key] = locate(root, path);
      if (!container) {
        throw unprocessable(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      }
      removeFrom(container, key, `error in remove for path: '${path}'`);
      return root;
    }
    case "replace":
      return replace(root, operation);
    case "move": {
      const from = requirePath(operation, "move operation failed to decode from: missing value", "from");
      const [source, fromKey] = locate(root, from);
      if (!source)
        throw unprocessable(
          `move operation does not apply: doc is missing from path: ${from}: missing value`,
        );
      const value = getFrom(source, fromKey, `error in move for path: '${fromKey}'`);
      removeFrom(source, fromKey, `error in move for path: '${fromKey}'`);
      const path = requirePath(operation, "move operation failed to decode path: missing value");
      const [target, key] = locate(root, path);
      if (!target) {
        throw unprocessable(
          `move operation does not apply: doc is missing destination path: ${path}: missing value`,
        );
      }
      addTo(target, key, value ?? null, `error in move for path: '${path}'`);
      return root;
    }
    case "copy": {
      const from = requirePath(operation, "copy operation failed to decode from: missing value", "from");
      const [source, fromKey] = locate(root, from);
      const value = source ? getFrom(source, fromKey, `error in copy for from: '${from}'`) : undefined;
      if (value === undefined) {
        throw unprocessable(
          `copy operation does not apply: doc is missing from path: ${from}: missing value`,
        );
      }
      const path = requirePath(operation, "copy operation failed to decode path: missing value");
      const [target, key] = locate(root, path);
      if (!target) {
        throw unprocessable(
          `copy operation does not apply: doc is missing destination path: ${path}: missing value`,
        );
      }
      addTo(target, key, deepClone(value), "error while adding value during copy");
      return root;
    }
    case "test":
      test(root, operation);
      return root;
    default:
      throw unprocessable(`Unexpected kind: ${kind}`);
  }
}

function replace(root: unknown, operation: JsonPatchOperation): unknown {
  const path = requirePath(
    operation,
    "replace operation failed to decode path: operation missing path field: missing value",
  );
  if (path === "") {
    const value = operationValue(operation);
    if (!isObject(value) && !Array.isArray(value)) {
      throw unprocessable("replace operation value must be object or array");
    }
    return value;
  }
  const [container, key] = locate(root, path);
  if (!container)
    throw unprocessable(`replace operation does not apply: doc is missing path: ${path}: missing value`);
  if (Array.isArray(container)) {
    const index = arrayIndex(container, key, container.length);
    if (index === undefined) {
      throw unprocessable(`replace operation does not apply: doc is missing key: ${path}: missing value`);
    }
    container[index] = operationValue(operation);
  } else {
    container[key] = operationValue(operation);
  }
  return root;
}

function test(root: unknown, operation: JsonPatchOperation): void {
  const path = requirePath(operation, "test operation failed to decode path: missing value");
  const expected = operation.value ?? null;
  if (path === "") {
    if (!jsonEqual(root, expected)) throw unprocessable(`testing value ${path} failed: test failed`);
    return;
  }
  const [container, key] = locate(root, path);
  if (!container)
    throw unprocessable(`test operation does not apply: is missing path: ${path}: missing value`);
  const actual = getFrom(container, key, `error in test for path: '${path}'`) ?? null;
  if (!jsonEqual(actual, expected)) throw unprocessable(`testing value ${path} failed: test failed`);
}

function requirePath(
  operation: JsonPatchOperation,
  message: string,
  field: "path" | "from" = "path",
): string {
  const path = operation[field];
  if (typeof path !== "string") throw unprocessable(message);
  return path;
}

function operationValue(operation: JsonPatchOperation): unknown {
  return deepClone(operation.value ?? null);
}

/** Finds the container of the last token of `path`, like findObject: every parent must already exist. */
function locate(root: unknown, path: string): [Container | undefined, string] {
  const tokens = path.split("/");
  if (tokens.length < 2) return [undefined, ""];
  let current: unknown = root;
  for (const token of tokens.slice(1, -1)) {
    const key = decodeToken(token);
    let next: unknown;
    if (Array.isArray(current)) {
      const index = arrayIndex(current, key, current.length);
      next = index === undefined ? undefined : current[index];
    } else if (isObject(current)) {
      next = current[key];
    }
    if (next === undefined || next === null) return [undefined, ""];
    current = next;
  }
  if (!Array.isArray(current) && !isObject(current)) return [undefined, ""];
  return [current, decodeToken(tokens[tokens.length - 1] ?? "")];
}

/** RFC 6901 unescaping: "~1" is "/", "~0" is "~" (in that order, so "~01" stays "~1"). */
function decodeToken(token: string): string {
  return token.replaceAll("~1", "/").replaceAll("~0", "~");
}

/** An index in [0, size) with negatives counted from the end, or undefined. */
function arrayIndex(array: unknown[], key: string, size: number): number | undefined {
  if (!/^[+-]?\d+$/.test(key)) return undefined;
  let index = Number(key);
  if (index < 0) {
    if (index < -array.length) return undefined;
    index += array.length;
  }
  return index < size ? index : undefined;
}

function parseIndex(key: string, context: string): number {
  if (!/^[+-]?\d+$/.test(key)) {
    throw unprocessable(`${context}: strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  }
  return Number(key);
}

function invalidIndex(context: string, index: number): PatchError {
  return unprocessable(`${context}: Unable to access invalid index: ${index}: invalid index referenced`);
}

function addTo(container: Container, key: string, value: unknown, context: string): void {
  if (!Array.isArray(container)) {
    container[key] = value;
    return;
  }
  if (key === "-") {
    container.push(value);
    return;
  }
  let index: number;
  if (/^[+-]?\d+$/.test(key)) index = Number(key);
  else
    throw unprocessable(
      `${context}: value was not a proper array index: '${key}': strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`,
    );
  const size = container.length + 1;
  if (index >= size) throw invalidIndex(context, index);
  if (index < 0) {
    if (index < -size) throw invalidIndex(context, index);
    index += size;
  }
  container.splice(index, 0, value);
}

function removeFrom(container: Container, key: string, context: string): void {
  if (!Array.isArray(container)) {
    if (!Object.hasOwn(container, key)) {
      throw unprocessable(`${context}: Unable to remove nonexistent key: ${key}: missing value`);
    }
    delete container[key];
    return;
  }
  let index = parseIndex(key, context);
  if (index >= container.length) throw invalidIndex(context, index);
  if (index < 0) {
    if (index < -container.length) throw invalidIndex(context, index);
    index += container.length;
  }
  container.splice(index, 1);
}

function getFrom(container: Container, key: string, context: string): unknown {
  if (!Array.isArray(container)) return container[key];
  const index = parseIndex(key, context);
  const resolved = arrayIndex(container, key, container.length);
  if (resolved === undefined) throw invalidIndex(context, index);
  return container[resolved];
}

function goJsonType(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  return typeof value === "boolean" ? "bool" : typeof value;
}
