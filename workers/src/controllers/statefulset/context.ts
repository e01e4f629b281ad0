import { CORE_V1, type InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../../apps/api/src/kube/object/types.ts";
import { recordEvent } from "../../events/record-event.ts";
import { COMPONENT } from "./types.ts";

/** What one reconcile of a StatefulSet works with. */
export interface SyncContext {
  client: InProcessClient;
  now: Date;
  event(set: KubeObject, type: "Normal" | "Warning", reason: string, message: string): Promise<void>;
}

export function syncContext(client: InProcessClient, now: Date): SyncContext {
  return {
    client,
    now,
    event: (set, type, reason, message) =>
      recordEvent(client, { component: COMPONENT }, set, { type, reason, message }, now),
  };
}

export const PODS = CORE_V1("pods");
