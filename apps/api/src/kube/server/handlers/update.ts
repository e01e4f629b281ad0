import { decodeObjectBody } from "../request-body.ts";
import { checkUnknownFields } from "./admission.ts";
import { apiVersionOf, type KubeRequest, type KubeResponse } from "./context.ts";
import { checkKind } from "./create.ts";
import { modifyObject } from "./modify.ts";
import { checkBodyTypes, targetOf } from "./value-types.ts";
import { writeOptions } from "./write-options.ts";

/** PUT of an object or its status: the body replaces what this write may change. */
export async function updateHandler(req: KubeRequest, name: string): Promise<KubeResponse> {
  const { def } = req;
  const options = writeOptions(req);
  const body = decodeObjectBody(await req.body(), req.contentType, {
    apiVersion: apiVersionOf(def.group, def.version),
    kind: def.kind,
  });
  checkKind(req, body);
  checkBodyTypes(targetOf(req), body);
  const warnings = checkUnknownFields(req, body, options);
  const updated = await modifyObject(req, name, () => body, {
    ...options,
    subresource: req.path.subresource,
  });
  return { status: 200, body: updated, warnings };
}
