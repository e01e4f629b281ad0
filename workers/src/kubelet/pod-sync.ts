import { createHash } from "node:crypto";
import { cloneJson } from "../../../apps/api/src/kube/object/equality.ts";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { kubeTime } from "../../../apps/api/src/platform/clock.ts";
import {
  type ContainerSpec,
  type PodWorld,
  podSpecOf,
  type Resolution,
  type ResolvedContainer,
  resolveContainer,
  resolveVolumes,
} from "./container-config.ts";
import { containerProgram } from "./container-program.ts";
import { pullImage } from "./images/registry.ts";
import type { ContainerStatus, PodCondition, PodStatus } from "./pod-status-types.ts";
import { probePlan } from "./probes.ts";
import type { ContainerProgram, PullResult } from "./program-types.ts";
import { goDuration, type KubeletTiming } from "./timing.ts";

/**
 * One sync of one pod by its node's kubelet (kubelet.go SyncPod, kuberuntime_manager.go), as a pure
 * function of the stored pod, the objects it reads and the clock. Every time the simulation needs is
 * derived from what the status already records (startTime, startedAt, finishedAt, restartCount), so
 * a sync can run any number of times, on any worker, late or early, and reach the same state;
 * `wakeAt` says when the next transition is due.
 */

export interface NodeView {
  name: string;
  ip: string;
  /** Image references already on the node (node.status.images). */
  images: ReadonlySet<string>;
}

export interface SyncContext {
  now: number;
  timing: KubeletTiming;
  node: NodeView;
  podIP: string;
  world: PodWorld;
  caPem?: string;
}

export interface KubeletEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  fieldPath?: string;
}

export interface SyncResult {
  status: PodStatus;
  events: KubeletEvent[];
  /** When the pod next changes by itself (epoch ms). */
  wakeAt?: number;
  /** Images this sync pulled onto the node. */
  pulled: string[];
  /** Graceful deletion is over: remove the pod. */
  remove?: boolean;
}

type Role = "init" | "app";

class Sync {
  readonly events: KubeletEvent[] = [];
  readonly pulled: string[] = [];
  wakeAt: number | undefined;
  readonly volumes: Resolution<Map<string, Record<string, string>>>;

  constructor(
    readonly pod: KubeObject,
    readonly ctx: SyncContext,
  ) {
    this.volumes = resolveVolumes(pod, ctx.world, ctx.caPem);
  }

  wake(at: number): void {
    if (at <= this.ctx.now) return;
    this.wakeAt = this.wakeAt === undefined ? at : Math.min(this.wakeAt, at);
  }

  event(
    type: KubeletEvent["type"],
    reason: string,
    message: string,
    container?: ContainerSpec,
    role?: Role,
  ): void {
    const fieldPath = container
      ? `spec.${role === "init" ? "initContainers" : "containers"}{${container.name}}`
      : undefined;
    this.events.push({ type, reason, message, ...(fieldPath ? { fieldPath } : {}) });
  }

  resolve(container: ContainerSpec): Resolution<ResolvedContainer> {
    if (!this.volumes.ok) return this.volumes;
    return resolveContainer(this.pod, container, this.ctx.world, this.volumes.value);
  }

  program(container: ContainerSpec, status: ContainerStatus, startedAt: number): ContainerProgram {
    return programFor(
      this.pod,
      container,
      status.restartCount,
      startedAt,
      this.resolve(container),
      this.ctx.podIP,
    );
  }
}

/** The container's process as the simulation runs it; shared with `kubectl logs`. */
export function programFor(
  pod: KubeObject,
  container: ContainerSpec,
  restartCount: number,
  startedAt: number,
  resolved: Resolution<ResolvedContainer>,
  podIP: string | undefined,
): ContainerProgram {
  const config = resolved.ok ? resolved.value : { env: {}, files: {} };
  return containerProgram({
    image: container.image,
    ...(config.command ? { command: config.command } : {}),
    ...(config.args ? { args: config.args } : {}),
    env: config.env,
    files: config.files,
    hostname: podSpecOf(pod).hostname ?? pod.metadata.name ?? "",
    ...(podIP ? { podIP } : {}),
    seed: `${pod.metadata.uid}/${container.name}/${restartCount}`,
    startedAt: new Date(startedAt),
    declaredPorts: (container.ports ?? []).map((p) => p.containerPort),
  });
}

const ms = (time: string | undefined | null): number => (time ? Date.parse(time) : 0);

function containerId(pod: KubeObject, name: string, restartCount: number): string {
  const hash = createHash("sha256").update(`${pod.metadata.uid}/${name}/${restartCount}`).digest("hex");
  return `containerd://${hash}`;
}

function imageId(pull: PullResult): string {
  if (!pull.ok) return "";
  const repository = pull.reference.replace(/@.*$/, "").replace(/:[^:/]+$/, "");
  return `${repository}@${pull.digest}`;
}

function waitingStatus(
  container: ContainerSpec,
  reason: string,
  previous?: ContainerStatus,
  message?: string,
): ContainerStatus {
  return {
    name: container.name,
    state: { waiting: { reason, ...(message ? { message } : {}) } },
    lastState: previous?.lastState ?? {},
    ready: false,
    restartCount: previous?.restartCount ?? 0,
    image: previous?.image ?? container.image,
    imageID: previous?.imageID ?? "",
    ...(previous?.containerID ? { containerID: previous.containerID } : {}),
    started: false,
  };
}

function needsPull(container: ContainerSpec, pull: PullResult, node: NodeView): boolean {
  if (!pull.ok) return true;
  if (container.imagePullPolicy === "Always") return true;
  if (container.imagePullPolicy === "Never") return false;
  return !node.images.has(pull.reference);
}

/**
 * The kubelet's restart decision (kuberuntime ShouldContainerBeRestarted): init containers restart
 * on failure unless the pod never restarts; sidecars (init with restartPolicy Always) always.
 */
function restarts(pod: KubeObject, container: ContainerSpec, role: Role, exitCode: number): boolean {
  const policy = (pod.spec as { restartPolicy?: string }).restartPolicy ?? "Always";
  if (role === "init") {
    if (container.restartPolicy === "Always") return true;
    return policy !== "Never" && exitCode !== 0;
  }
  return policy === "Always" || (policy === "OnFailure" && exitCode !== 0);
}

/**
 * Advances one container from its stored status to `now`, recording the events of every transition
 * passed. `base` is when this container's turn began (the pod's start, or the previous init
 * container's end); `pullOffset` delays it behind the pulls of containers before it.
 */
function advanceContainer(
  sync: Sync,
  container: ContainerSpec,
  role: Role,
  previous: ContainerStatus | undefined,
  base: number,
): ContainerStatus {
  const { ctx, pod } = sync;
  const now = ctx.now;
  const pull = pullImage(container.image);
  let status: ContainerStatus = previous ?? waitingStatus(container, "ContainerCreating");
  /**
   * The kubelet stopped it itself (a new definition, a failed liveness probe): there is no exit
   * for PLEG to report first, the same sync starts the next one (if no back-off holds it).
   */
  let killedByKubelet = false;
  // A container whose image the user changed is replaced (kubelet: spec hash changed).
  if (
    status.state.running &&
    pull.ok &&
    status.image !== pull.reference &&
    status.image !== container.image
  ) {
    const stoppedAt = now;
    status = {
      ...status,
      state: {
        terminated: {
          exitCode: 0,
          reason: "Completed",
          startedAt: status.state.running.startedAt,
          finishedAt: kubeTime(new Date(stoppedAt)),
          ...(status.containerID ? { containerID: status.containerID } : {}),
        },
      },
    };
    sync.event(
      "Normal",
      "Killing",
      `Container ${container.name} definition changed, will be restarted`,
      container,
      role,
    );
    killedByKubelet = true;
  }

  const start = (
    at: number,
    restartCount: number,
    lastState: ContainerStatus["lastState"],
  ): ContainerStatus => {
    sync.event("Normal", "Created", `Created container ${container.name}`, container, role);
    sync.event("Normal", "Started", `Started container ${container.name}`, container, role);
    const id = containerId(pod, container.name, restartCount);
    return {
      name: container.name,
      state: { running: { startedAt: kubeTime(new Date(at)) } },
      lastState,
      ready: false,
      restartCount,
      image: pull.ok ? pull.reference : container.image,
      imageID: imageId(pull),
      containerID: id,
      started: false,
    };
  };

  /** Records getting the image: pulled (announced unless a Pulling event already was) or present. */
  const obtainImage = (announcePull: boolean): void => {
    if (!pull.ok) return;
    if (needsPull(container, pull, ctx.node)) {
      const took = ctx.timing.pullMs(pull.pullMs);
      if (announcePull)
        sync.event("Normal", "Pulling", `Pulling image "${container.image}"`, container, role);
      sync.event(
        "Normal",
        "Pulled",
        `Successfully pulled image "${container.image}" in ${goDuration(took)} (${goDuration(took)} including waiting). Image size: ${pull.sizeBytes} bytes.`,
        container,
        role,
      );
      sync.pulled.push(pull.reference);
    } else {
      sync.event(
        "Normal",
        "Pulled",
        `Container image "${container.image}" already present on machine`,
        container,
        role,
      );
    }
  };

  for (let step = 0; step < 64; step++) {
    const { waiting, running, terminated } = status.state;
    const hasRun = status.lastState.terminated !== undefined || status.restartCount > 0;

    if (
      waiting &&
      !hasRun &&
      (waiting.reason === "ContainerCreating" || waiting.reason === "PodInitializing")
    ) {
      const pullMs = pull.ok && needsPull(container, pull, ctx.node) ? ctx.timing.pullMs(pull.pullMs) : 0;
      const failMs = pull.ok ? 0 : ctx.timing.pullMs(1_000);
      const doneAt = base + (pull.ok ? pullMs : failMs);
      if (now < doneAt) {
        if (waiting.reason !== "ContainerCreating" || previous === undefined) {
          sync.event("Normal", "Pulling", `Pulling image "${container.image}"`, container, role);
        }
        sync.wake(doneAt);
        return waitingStatus(container, "ContainerCreating", status);
      }
      if (!pull.ok) {
        if (previous === undefined || waiting.reason === "PodInitializing")
          sync.event("Normal", "Pulling", `Pulling image "${container.image}"`, container, role);
        return pullFailed(sync, container, role, status, pull, "ContainerCreating");
      }
      const resolved = sync.resolve(container);
      obtainImage(previous === undefined || waiting.reason === "PodInitializing");
      if (!resolved.ok) {
        sync.event("Warning", "Failed", `Error: ${resolved.message}`, container, role);
        sync.wake(now + ctx.timing.configRetryMs);
        return {
          ...waitingStatus(container, "CreateContainerConfigError", status, resolved.message),
          image: pull.reference,
        };
      }
      status = start(doneAt, 0, {});
      continue;
    }

    if (waiting && waiting.reason === "CreateContainerConfigError") {
      const resolved = sync.resolve(container);
      if (!resolved.ok) {
        if (resolved.message !== waiting.message)
          sync.event("Warning", "Failed", `Error: ${resolved.message}`, container, role);
        sync.wake(now + ctx.timing.configRetryMs);
        return waitingStatus(container, "CreateContainerConfigError", status, resolved.message);
      }
      obtainImage(true);
      status = start(now, status.restartCount, status.lastState);
      continue;
    }

    if (waiting && (waiting.reason === "ErrImagePull" || waiting.reason === "ImagePullBackOff")) {
      if (pull.ok) {
        // The image was fixed (or appeared): the next attempt pulls it.
        status = waitingStatus(container, "ContainerCreating", { ...status, lastState: {}, restartCount: 0 });
        base = now;
        continue;
      }
      return pullFailed(sync, container, role, status, pull, waiting.reason);
    }

    if (running) {
      const startedAt = ms(running.startedAt);
      const program = sync.program(container, status, startedAt);
      const plan = probePlan(container, program, startedAt, ctx.podIP);
      const exitAt = program.exit ? startedAt + program.exit.atMs : undefined;
      const killAt = plan.livenessKillAt;
      const endAt = Math.min(exitAt ?? Number.POSITIVE_INFINITY, killAt ?? Number.POSITIVE_INFINITY);
      if (endAt <= now) {
        const killed = killAt !== undefined && killAt === endAt && (exitAt === undefined || killAt < exitAt);
        if (killed) {
          for (const message of plan.livenessFailures)
            sync.event("Warning", "Unhealthy", message, container, role);
          sync.event(
            "Normal",
            "Killing",
            `Container ${container.name} failed liveness probe, will be restarted`,
            container,
            role,
          );
        }
        killedByKubelet = killed;
        const exitCode = killed
          ? program.stopMs === "ignores-sigterm"
            ? 137
            : 0
          : (program.exit?.code ?? 0);
        status = {
          ...status,
          ready: false,
          started: false,
          state: {
            terminated: {
              exitCode,
              reason: exitCode === 0 ? "Completed" : "Error",
              startedAt: running.startedAt,
              finishedAt: kubeTime(new Date(endAt)),
              ...(status.containerID ? { containerID: status.containerID } : {}),
            },
          },
        };
        continue;
      }
      if (exitAt !== undefined) sync.wake(exitAt);
      if (killAt !== undefined) sync.wake(killAt);
      const ready = plan.readyAt !== undefined && plan.readyAt <= now;
      if (plan.readyAt !== undefined && plan.readyAt > now) sync.wake(plan.readyAt);
      // One Unhealthy event when the probe first fails (the wake is due then), not one per period.
      if (
        plan.readinessFailure &&
        plan.readinessFailureAt <= now &&
        now < plan.readinessFailureAt + plan.periodMs
      ) {
        sync.event("Warning", "Unhealthy", plan.readinessFailure, container, role);
      }
      if (plan.readinessFailure && plan.readinessFailureAt > now) sync.wake(plan.readinessFailureAt);
      const started = plan.startedAt <= now;
      if (!started) sync.wake(plan.startedAt);
      return { ...status, ready: ready && started, started };
    }

    if (terminated) {
      if (!restarts(pod, container, role, terminated.exitCode))
        return { ...status, ready: false, started: false };
      const exitReportedUntil = killedByKubelet ? 0 : ms(terminated.finishedAt) + ctx.timing.exitReportedMs;
      if (now < exitReportedUntil) {
        sync.wake(exitReportedUntil);
        return { ...status, ready: false, started: false };
      }
      const restartAt = Math.max(
        exitReportedUntil,
        ms(terminated.finishedAt) + ctx.timing.restartBackOffMs(status.restartCount),
      );
      const lastState = { terminated };
      if (now < restartAt) {
        const delay = goDuration(restartAt - ms(terminated.finishedAt)).replace(/\.\d+s$/, "s");
        const podRef = `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
        const alreadyBackingOff =
          previous?.state.waiting?.reason === "CrashLoopBackOff" &&
          previous.restartCount === status.restartCount;
        if (!alreadyBackingOff)
          sync.event(
            "Warning",
            "BackOff",
            `Back-off restarting failed container ${container.name} in pod ${podRef}`,
            container,
            role,
          );
        sync.wake(restartAt);
        return {
          ...waitingStatus(
            container,
            "CrashLoopBackOff",
            { ...status, lastState },
            `back-off ${delay} restarting failed container=${container.name} pod=${podRef}`,
          ),
          image: status.image,
          imageID: status.imageID,
        };
      }
      const resolved = sync.resolve(container);
      if (!resolved.ok) {
        sync.event("Warning", "Failed", `Error: ${resolved.message}`, container, role);
        sync.wake(now + ctx.timing.configRetryMs);
        return waitingStatus(
          container,
          "CreateContainerConfigError",
          { ...status, lastState },
          resolved.message,
        );
      }
      obtainImage(true);
      status = start(restartAt, status.restartCount + 1, lastState);
      continue;
    }

    if (waiting && waiting.reason === "CrashLoopBackOff") {
      const last = status.lastState.terminated;
      if (!last) return waitingStatus(container, "ContainerCreating", status);
      status = { ...status, state: { terminated: last } };
      continue;
    }
    // A waiting reason this kubelet does not produce: start over.
    status = waitingStatus(container, "ContainerCreating", { ...status, lastState: {}, restartCount: 0 });
    base = now;
  }
  return status;
}

/**
 * ErrImagePull / ImagePullBackOff: the pull is retried with back-off. The attempts' schedule is
 * derived from the pod's start, so no attempt counter needs storing.
 */
function pullFailed(
  sync: Sync,
  container: ContainerSpec,
  role: Role,
  status: ContainerStatus,
  pull: Extract<PullResult, { ok: false }>,
  previousReason: string,
): ContainerStatus {
  const { ctx, pod } = sync;
  const now = ctx.now;
  if (pull.reason === "InvalidImageName") {
    if (previousReason !== "InvalidImageName")
      sync.event("Warning", "InspectFailed", pull.message, container, role);
    return waitingStatus(container, "InvalidImageName", status, pull.message);
  }
  const started = ms((pod.status as PodStatus | undefined)?.startTime) || now;
  const attemptMs = ctx.timing.pullMs(1_000);
  let attemptAt = started + attemptMs;
  let failures = 1;
  for (;;) {
    const next = attemptAt + ctx.timing.imagePullBackOffMs(failures) + attemptMs;
    if (next > now) {
      const showingError = now < attemptAt + ctx.timing.errImagePullShownMs;
      const reason = showingError ? "ErrImagePull" : "ImagePullBackOff";
      const newAttempt =
        reason === "ErrImagePull"
          ? previousReason !== "ErrImagePull"
          : previousReason === "ContainerCreating";
      if (newAttempt) {
        sync.event(
          "Warning",
          "Failed",
          `Failed to pull image "${container.image}": ${pull.message}`,
          container,
          role,
        );
        sync.event("Warning", "Failed", "Error: ErrImagePull", container, role);
      }
      if (reason === "ImagePullBackOff" && previousReason !== "ImagePullBackOff") {
        sync.event("Normal", "BackOff", `Back-off pulling image "${container.image}"`, container, role);
        sync.event("Warning", "Failed", "Error: ImagePullBackOff", container, role);
      }
      if (showingError) sync.wake(attemptAt + ctx.timing.errImagePullShownMs);
      sync.wake(next);
      const message =
        reason === "ErrImagePull" ? pull.message : `Back-off pulling image "${container.image}"`;
      return waitingStatus(container, reason, status, message);
    }
    attemptAt = next;
    failures++;
  }
}

function condition(
  previous: PodCondition[] | undefined,
  type: string,
  ok: boolean,
  now: number,
  reason?: string,
  message?: string,
): PodCondition {
  const status = ok ? "True" : "False";
  const before = previous?.find((c) => c.type === type);
  const since = before && before.status === status ? before.lastTransitionTime : kubeTime(new Date(now));
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: since,
    ...(!ok && reason ? { reason } : {}),
    ...(!ok && message ? { message } : {}),
  };
}

/** kubelet_pods.go getPhase. */
function podPhase(
  pod: KubeObject,
  init: ContainerStatus[],
  app: ContainerStatus[],
  initDone: boolean,
): string {
  const policy = (pod.spec as { restartPolicy?: string }).restartPolicy ?? "Always";
  if (!initDone) {
    const failedForGood = init.some(
      (s) => s.state.terminated && s.state.terminated.exitCode !== 0 && policy === "Never",
    );
    return failedForGood ? "Failed" : "Pending";
  }
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of app) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state.waiting) {
      if (s.lastState.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped > 0) {
    if (policy === "Always") return "Running";
    if (stopped === succeeded) return "Succeeded";
    return policy === "Never" ? "Failed" : "Running";
  }
  return "Pending";
}

/** Graceful deletion: containers get SIGTERM at the deletion request, the pod goes once they stopped. */
function terminate(sync: Sync, status: PodStatus): SyncResult {
  const { pod, ctx } = sync;
  const deletionAt = ms(pod.metadata.deletionTimestamp);
  const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  const requestedAt = deletionAt - graceMs;
  const spec = podSpecOf(pod);
  let stopAll = requestedAt;
  const stopping: ContainerSpec[] = [];
  for (const s of status.containerStatuses ?? []) {
    const container = spec.containers.find((c) => c.name === s.name);
    if (!container || !s.state.running) continue;
    stopping.push(container);
    const program = sync.program(container, s, ms(s.state.running.startedAt));
    const stopMs = program.stopMs === "ignores-sigterm" ? graceMs : Math.min(program.stopMs, graceMs);
    stopAll = Math.max(stopAll, requestedAt + ctx.timing.pullMs(stopMs));
  }
  // Killing is recorded once: on the sync that starts the stop, or on the only one when nothing waits.
  const firstSync = ctx.now < stopAll || (stopAll === requestedAt && ctx.now - requestedAt < 1000);
  if (firstSync)
    for (const c of stopping) sync.event("Normal", "Killing", `Stopping container ${c.name}`, c, "app");
  if (ctx.now >= stopAll) return { status, events: sync.events, pulled: [], remove: true };
  sync.wake(stopAll);
  return { status, events: sync.events, pulled: [], ...(sync.wakeAt ? { wakeAt: sync.wakeAt } : {}) };
}

export function syncPod(pod: KubeObject, ctx: SyncContext): SyncResult {
  const sync = new Sync(pod, ctx);
  const previous = cloneJson((pod.status ?? {}) as PodStatus);
  if (pod.metadata.deletionTimestamp) return terminate(sync, previous);
  if (previous.phase === "Succeeded" || previous.phase === "Failed")
    return { status: previous, events: [], pulled: [] };

  const spec = podSpecOf(pod);
  const now = ctx.now;
  const status: PodStatus = { ...previous };
  status.startTime ??= kubeTime(new Date(now));
  status.hostIP = ctx.node.ip;
  status.hostIPs = [{ ip: ctx.node.ip }];
  status.podIP = ctx.podIP;
  status.podIPs = [{ ip: ctx.podIP }];
  const podStart = ms(status.startTime);
  const inits = spec.initContainers ?? [];

  let initStatuses: ContainerStatus[] = [];
  let appStatuses: ContainerStatus[];
  let initDone = true;
  if (!sync.volumes.ok) {
    if (
      sync.volumes.quiet !== true &&
      (!previous.startTime ||
        (previous.containerStatuses ?? []).length === 0 ||
        ms(previous.startTime) + ctx.timing.configRetryMs <= now)
    ) {
      sync.event("Warning", "FailedMount", sync.volumes.message);
    }
    sync.wake(now + ctx.timing.configRetryMs);
    const waitingReason = inits.length > 0 ? "PodInitializing" : "ContainerCreating";
    initStatuses = inits.map((c) =>
      waitingStatus(
        c,
        "PodInitializing",
        previous.initContainerStatuses?.find((s) => s.name === c.name),
      ),
    );
    appStatuses = spec.containers.map((c) =>
      waitingStatus(
        c,
        waitingReason,
        previous.containerStatuses?.find((s) => s.name === c.name),
      ),
    );
    initDone = inits.length === 0;
  } else {
    let base = podStart;
    for (const container of inits) {
      const before = previous.initContainerStatuses?.find((s) => s.name === container.name);
      const sidecar = container.restartPolicy === "Always";
      if (!initDone) {
        initStatuses.push(before ?? waitingStatus(container, "PodInitializing"));
        continue;
      }
      const after = advanceContainer(sync, container, "init", before, base);
      initStatuses.push(after);
      const finished = after.state.terminated?.exitCode === 0 && !sidecar;
      if (sidecar && after.state.running) base = ms(after.state.running.startedAt);
      else if (finished) base = ms(after.state.terminated?.finishedAt);
      else initDone = false;
    }
    appStatuses = [];
    let pullBase = base;
    for (const container of spec.containers) {
      const before = previous.containerStatuses?.find((s) => s.name === container.name);
      if (!initDone) {
        appStatuses.push(before ?? waitingStatus(container, "PodInitializing"));
        continue;
      }
      const after = advanceContainer(sync, container, "app", before, pullBase);
      appStatuses.push(after);
      // The kubelet pulls a pod's images one after the other.
      const pull = pullImage(container.image);
      if (pull.ok && needsPull(container, pull, ctx.node) && !before)
        pullBase += ctx.timing.pullMs(pull.pullMs);
    }
  }
  if (inits.length > 0) status.initContainerStatuses = initStatuses;
  status.containerStatuses = appStatuses;
  status.phase = podPhase(pod, initStatuses, appStatuses, initDone);

  const terminal = status.phase === "Succeeded" || status.phase === "Failed";
  const unready = appStatuses.filter((s) => !s.ready).map((s) => s.name);
  const incomplete = initStatuses
    .filter(
      (s, i) =>
        !(s.state.terminated?.exitCode === 0 || (inits[i]?.restartPolicy === "Always" && s.state.running)),
    )
    .map((s) => s.name);
  const allReady = unready.length === 0 && !terminal;
  const conditions = previous.conditions;
  const readyReason = terminal ? "PodCompleted" : "ContainersNotReady";
  const readyMessage = terminal ? undefined : `containers with unready status: [${unready.join(" ")}]`;
  status.conditions = [
    condition(conditions, "PodReadyToStartContainers", sync.volumes.ok && !terminal, now),
    condition(
      conditions,
      "Initialized",
      initDone,
      now,
      terminal ? "PodCompleted" : "ContainersNotInitialized",
      terminal ? undefined : `containers with incomplete status: [${incomplete.join(" ")}]`,
    ),
    condition(conditions, "Ready", allReady, now, readyReason, readyMessage),
    condition(conditions, "ContainersReady", allReady, now, readyReason, readyMessage),
    conditions?.find((c) => c.type === "PodScheduled") ?? condition(undefined, "PodScheduled", true, now),
    ...(conditions ?? []).filter(
      (c) =>
        !["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"].includes(
          c.type,
        ),
    ),
  ];
  if (terminal) {
    // Terminated pods keep their IPs in status but the sandbox is gone.
    status.conditions[0] = condition(conditions, "PodReadyToStartContainers", false, now);
  }
  return {
    status,
    events: sync.events,
    pulled: sync.pulled,
    ...(sync.wakeAt !== undefined && !terminal ? { wakeAt: sync.wakeAt } : {}),
  };
}
