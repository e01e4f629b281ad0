import { parse as parseYaml } from "yaml";
import { ApiError } from "../../../errors.ts";
import type { KubeObject } from "../../object/types.ts";
import {
  applyJsonPatch,
  applyMergePatch,
  applyPatch,
  applyStrategicMergePatch,
  PatchError,
  schemaFor,
} from "../../patch/index.ts";
import { parseJson } from "../request-body.ts";
import { UnknownReasonError } from "../status.ts";
import { checkUnknownFields } from "./admission.ts";
import { apiVersionOf, type KubeRequest, type KubeResponse } from "./context.ts";
import { createObject } from "./create.ts";
import { modifyObject } from "./modify.ts";
import {
  checkAppliedObjectTypes,
  checkApplyConfigurationTypes,
  checkPatchedTypes,
  checkStrategicPatchTypes,
  targetOf,
} from "./value-types.ts";
import { writeOptions } from "./write-options.ts";

const PATCH_TYPES = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;
type PatchType = (typeof PATCH_TYPES)[number];

/** PATCH of an object or a subresource, in any of the four patch types. */
export async function patchHandler(req: KubeRequest, name: string): Promise<KubeResponse> {
  const { def } = req;
  const options = writeOptions(req);
  const type = (req.contentType ?? "").split(";")[0]!.trim().toLowerCase() as PatchType;
  if (!PATCH_TYPES.includes(type)) {
    throw new ApiError(
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(", ")}`,
    );
  }
  const bytes = await req.body();
  const apiVersion = apiVersionOf(def.group, def.version);
  const target = targetOf(req);
  let warnings: string[] = [];
  const validate = (obj: KubeObject) => {
    warnings = checkUnknownFields(req, obj, options);
  };

  if (type === "application/apply-patch+yaml") {
    if (!req.query.get("fieldManager")) {
      throw new ApiError(
        "BadRequest",
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    const applied = parseApplyBody(bytes);
    checkApplyConfigurationTypes(target, applied);
    const applyOptions = {
      manager: options.fieldManager,
      apiVersion,
      now: req.now,
      force: options.force,
      kind: def.kind,
      ...(req.path.subresource ? { subresource: req.path.subresource } : {}),
    };
    try {
      const updated = await modifyObject(
        req,
        name,
        (current) => {
          const result = applyPatch(current, applied, applyOptions).object as KubeObject;
          checkAppliedObjectTypes(target, applied, result);
          validate(result);
          return result;
        },
        { ...options, subresource: req.path.subresource, managedFieldsDone: true },
      );
      return { status: 200, body: updated, warnings };
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "NotFound" && err.details?.name === name))
        throw translate(err);
    }
    const fresh = translateSync(() => applyPatch(undefined, applied, applyOptions).object as KubeObject);
    checkAppliedObjectTypes(target, applied, fresh);
    validate(fresh);
    const created = await createObject(req, fresh, options, false);
    return { status: 201, body: created, warnings };
  }

  const patch = parseJson(bytes, "patch");
  try {
    const updated = await modifyObject(
      req,
      name,
      (current) => {
        const result = applyOne(type, current, patch);
        if (type === "application/strategic-merge-patch+json")
          checkStrategicPatchTypes(target, patch, result);
        else checkPatchedTypes(target, result);
        validate(result);
        return result;
      },
      { ...options, subresource: req.path.subresource },
    );
    return { status: 200, body: updated, warnings };
  } catch (err) {
    throw translate(err);
  }
}

function applyOne(type: PatchType, current: KubeObject, patch: unknown): KubeObject {
  switch (type) {
    case "application/json-patch+json":
      return applyJsonPatch(current, patch) as KubeObject;
    case "application/merge-patch+json":
      return applyMergePatch(current, patch) as KubeObject;
    default:
      return applyStrategicMergePatch(
        current,
        patch,
        schemaFor(current.apiVersion ?? "", current.kind ?? ""),
      ) as KubeObject;
  }
}

/** Apply bodies are YAML (kubectl sends JSON, which is YAML too). */
function parseApplyBody(bytes: Uint8Array): unknown {
  try {
    return parseYaml(Buffer.from(bytes).toString("utf8"));
  } catch (err) {
    throw new ApiError("BadRequest", `error decoding YAML: ${(err as Error).message}`);
  }
}

/** PatchError → the ApiError kube-apiserver would answer. */
function translate(err: unknown): unknown {
  if (!(err instanceof PatchError)) return err;
  if (err.reason === "") return new UnknownReasonError(err.message);
  return new ApiError(err.reason, err.message, err.causes.length ? { causes: [...err.causes] } : undefined);
}

function translateSync<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw translate(err);
  }
}
