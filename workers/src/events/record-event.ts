import { createHash } from "node:crypto";
import { ApiError } from "../../../apps/api/src/errors.ts";
import { CORE_V1, InProcessClient } from "../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { type PreparedCreate, storeCreates } from "../../../apps/api/src/kube/server/handlers/create.ts";
import { kubeTime } from "../../../apps/api/src/platform/clock.ts";
import type { Runtime } from "../../../apps/api/src/platform/runtime.ts";
import { type LockedWrites, withClusterWriteLock } from "../controllers/shared/cluster-write-lock.ts";
import { type EventInput, type EventSource, eventCorrelator } from "./event-correlator.ts";

export type { EventInput, EventSource } from "./event-correlator.ts";

/**
 * Records a core/v1 Event about `involved`, as client-go's event recorder does: an identical event
 * (same source, object, type, reason and message) is not written again but counted (`count`,
 * `lastTimestamp`), which is what `kubectl describe` shows as "(x4 over 2m)". The name is derived
 * from what makes events identical, so concurrent or repeated reconciles aggregate instead of
 * duplicating. Similar events are combined and a source's events about one object are rate limited
 * as upstream (EventCorrelator). Events are best effort, as upstream: a failure to record one never
 * fails the caller.
 */
export async function recordEvent(
  client: InProcessClient,
  source: EventSource,
  involved: KubeObject,
  input: EventInput,
  now: Date,
): Promise<void> {
  const correlated = correlatedEvent(source, involved, input, now);
  if (!correlated) return;
  const { namespace, event } = correlated;
  try {
    // Most events are new: create first, count a repeat on AlreadyExists (one write either way).
    await client.create(CORE_V1("events"), namespace, event).catch(async (err: unknown) => {
      if (err instanceof ApiError && err.reason === "AlreadyExists") await bump(client, correlated, now);
      else throw err;
    });
  } catch {
    // Best effort (client-go drops events it cannot write); the object's own status carries the truth.
  }
}

/**
 * The Event to write for an occurrence, through the process's correlator: combined with similar
 * ones, counting the occurrences held back before it; undefined when this one is held back.
 */
function correlatedEvent(
  source: EventSource,
  involved: KubeObject,
  input: EventInput,
  now: Date,
): { namespace: string; name: string; event: KubeObject; occurrences: number; message: string } | undefined {
  const correlated = eventCorrelator.correlate(source, involved, input, now);
  const { namespace, name, event } = eventObject(
    source,
    involved,
    correlated.input,
    now,
    correlated.combined,
  );
  const key = `${namespace}/${name}`;
  if (!correlated.admitted) {
    eventCorrelator.hold(key);
    return undefined;
  }
  const occurrences = 1 + eventCorrelator.held(key);
  const message = correlated.input.message;
  return { namespace, name, event: { ...event, count: occurrences }, occurrences, message };
}

/** One event to record: what it is about, and what happened. */
export interface EventRecord {
  involved: KubeObject;
  input: EventInput;
}

/**
 * Records several events about objects (a pod's last Killing, …) in one transaction, with the same
 * aggregation as recordEvent: one commit instead of one per event. Best effort, as recordEvent.
 */
export async function recordEvents(
  runtime: Runtime,
  clusterId: string,
  source: EventSource,
  records: readonly EventRecord[],
  now: Date,
): Promise<void> {
  if (records.length === 0) return;
  try {
    const client = new InProcessClient(runtime, clusterId, source.component);
    const events = prepareEvents(client, source, records, now);
    await withClusterWriteLock(runtime, clusterId, source.component, (locked) =>
      storeEventsLocked(locked, events, now),
    );
  } catch {
    // Best effort, as recordEvent.
  }
}

/** An event built, defaulted and validated, ready to be stored or counted as a repeat. */
export interface PreparedEvent {
  namespace: string;
  name: string;
  create: PreparedCreate;
  /** The occurrences it stands for: its count when new, what it adds to the count of a repeat. */
  occurrences: number;
  message: string;
}

/** The part of recording events that needs no transaction: done before taking the cluster's lock. */
export function prepareEvents(
  client: InProcessClient,
  source: EventSource,
  records: readonly EventRecord[],
  now: Date,
): PreparedEvent[] {
  return records.flatMap(({ involved, input }) => {
    const correlated = correlatedEvent(source, involved, input, now);
    if (!correlated) return [];
    const { namespace, name, event, occurrences, message } = correlated;
    try {
      const create = client.prepareCreate(CORE_V1("events"), namespace, event);
      return [{ namespace, name, create, occurrences, message }];
    } catch (err) {
      // Refused (invalid): dropped, as the API would refuse it.
      if (!(err instanceof ApiError)) throw err;
      return [];
    }
  });
}

/**
 * Stores prepared events inside a locked section the caller holds, so events commit with the
 * writes they report (a binding and its `Scheduled`). An event already there is counted again. An
 * event the API refuses (a namespace being deleted, a quota on events) is dropped, as client-go
 * drops it, and leaves the section usable: refusals come before anything is written. A database
 * error aborts the section, as any write's would.
 */
export async function storeEventsLocked(
  locked: LockedWrites,
  events: readonly PreparedEvent[],
  now: Date,
): Promise<void> {
  const byNamespace = new Map<string, PreparedEvent[]>();
  for (const event of events)
    byNamespace.set(event.namespace, [...(byNamespace.get(event.namespace) ?? []), event]);
  // Namespace by namespace: a refusal (a namespace being deleted, its quota on events) drops the
  // events of that namespace only.
  for (const [namespace, inNamespace] of byNamespace) {
    // Read through the transaction, all at once: an AlreadyExists from the database would abort it.
    const names = inNamespace.map((e) => e.name);
    const existing = await locked.tx.namesPresent("", "events", namespace, names);
    const created: PreparedCreate[] = [];
    const repeats: PreparedEvent[] = [];
    for (const event of inNamespace) {
      if (existing.has(event.name)) repeats.push(event);
      else created.push(event.create);
      existing.add(event.name);
    }
    // New events in one insert; a refused one (and those after it) is dropped.
    await storeCreates(locked.tx, created);
    for (const repeat of repeats) {
      try {
        await bump(locked.client, repeat, now);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
      }
    }
  }
}

/** The Event object recordEvent writes (also used for the events a new cluster starts with). */
export function eventObject(
  source: EventSource,
  involved: KubeObject,
  input: EventInput,
  now: Date,
  combined = false,
): { namespace: string; name: string; event: KubeObject } {
  const meta = involved.metadata;
  const namespace = meta.namespace || "default";
  const name = `${meta.name}.${eventHash(source, involved, input, combined)}`;
  const at = kubeTime(now);
  const event: KubeObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace },
    involvedObject: {
      apiVersion: involved.apiVersion,
      kind: involved.kind,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      name: meta.name,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      ...(input.fieldPath ? { fieldPath: input.fieldPath } : {}),
    },
    reason: input.reason,
    message: input.message,
    source: { component: source.component, ...(source.host ? { host: source.host } : {}) },
    firstTimestamp: at,
    lastTimestamp: at,
    count: 1,
    type: input.type,
    eventTime: null,
    reportingComponent: source.component,
    reportingInstance: source.host ?? "",
  };
  return { namespace, name, event };
}

/**
 * Counts a repeat into the stored event: its occurrences, the time, and the latest message (a
 * combined event says the latest of the similar ones, as client-go's patch does).
 */
async function bump(
  client: InProcessClient,
  repeat: { namespace: string; name: string; occurrences: number; message: string },
  now: Date,
): Promise<void> {
  await client.update(CORE_V1("events"), repeat.namespace, repeat.name, (current) => ({
    ...current,
    count: (typeof current.count === "number" ? current.count : 1) + repeat.occurrences,
    lastTimestamp: kubeTime(now),
    message: repeat.message,
  }));
}

/**
 * Where an event of this reason falls in an object's life. kubectl describe sorts events by their
 * (whole-second) lastTimestamp, keeping the list's order for ties, and the list is in name order:
 * leading the name's hex with this rank keeps "Pulled" before "Created" before "Started" when all
 * happen within one second, as a real node's events read.
 */
const LIFECYCLE_RANK: Record<string, number> = {
  // A node's start.
  Starting: 0,
  NodeHasSufficientMemory: 1,
  NodeHasNoDiskPressure: 2,
  NodeHasSufficientPID: 3,
  NodeAllocatableEnforced: 4,
  RegisteredNode: 5,
  NodeReady: 6,
  // A pod's life.
  Scheduled: 1,
  FailedScheduling: 1,
  Pulling: 2,
  Pulled: 3,
  Failed: 4,
  BackOff: 5,
  Created: 6,
  Started: 7,
  Unhealthy: 8,
  Killing: 9,
};

/** What makes events one: a combined event leaves its (latest) message out. */
function eventHash(source: EventSource, involved: KubeObject, input: EventInput, combined: boolean): string {
  const rank = (LIFECYCLE_RANK[input.reason] ?? 5).toString(16);
  const parts = [
    source.component,
    source.host ?? "",
    involved.metadata.uid ?? involved.metadata.name ?? "",
    input.fieldPath ?? "",
    input.type,
    input.reason,
    combined ? "(combined)" : input.message,
  ];
  return rank + createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 15);
}
