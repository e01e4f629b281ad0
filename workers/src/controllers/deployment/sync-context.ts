import type { InProcessClient } from "../../../../apps/api/src/kube/client/in-process-client.ts";
import type { Runtime } from "../../../../apps/api/src/platform/runtime.ts";
import { recordEvent } from "../../events/record-event.ts";
import { REVISION } from "./annotations.ts";
import { DEPLOYMENT_CONTROLLER, DEPLOYMENTS, type Deployment } from "./deployment.ts";

/** One sync of one Deployment: its client, its clock reading, and the timed look it asks for. */
export class SyncContext {
  /** When to look again even if nothing changes (the progress deadline); the soonest ask wins. */
  requeueAfterMs: number | undefined;

  constructor(
    readonly runtime: Runtime,
    readonly client: InProcessClient,
    readonly now: Date,
  ) {}

  requeueAfter(ms: number): void {
    this.requeueAfterMs = this.requeueAfterMs === undefined ? ms : Math.min(this.requeueAfterMs, ms);
  }

  event(d: Deployment, type: "Normal" | "Warning", reason: string, message: string): Promise<void> {
    return recordEvent(
      this.client,
      { component: DEPLOYMENT_CONTROLLER },
      d,
      { type, reason, message },
      this.now,
    );
  }

  /**
   * UpdateStatus(d): the status computed here, and the revision annotation, which upstream writes
   * through the status subresource too (its status strategy keeps only spec and labels), so that
   * recording a revision does not bump the generation.
   */
  async writeStatus(d: Deployment): Promise<void> {
    const { namespace = "", name = "", uid } = d.metadata;
    const revision = d.metadata.annotations?.[REVISION];
    await this.client.update(
      DEPLOYMENTS,
      namespace,
      name,
      (current) => {
        if (current.metadata.uid !== uid) return current;
        const annotations =
          revision === undefined
            ? current.metadata.annotations
            : { ...current.metadata.annotations, [REVISION]: revision };
        return {
          ...current,
          metadata: { ...current.metadata, annotations },
          status: compactStatus(d.status),
        };
      },
      "status",
    );
  }
}

/** DeploymentStatus fields are all `omitempty`. */
export function compactStatus(status: Deployment["status"]): Deployment["status"] {
  const out: Deployment["status"] = {};
  for (const [key, value] of Object.entries(status) as [keyof Deployment["status"], unknown][]) {
    if (value === undefined || value === 0 || (Array.isArray(value) && value.length === 0)) continue;
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
