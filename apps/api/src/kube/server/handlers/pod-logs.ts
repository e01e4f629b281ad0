import { createHash } from "node:crypto";
import {
  type ContainerSpec,
  loadPodWorld,
  podSpecOf,
  resolveContainer,
  resolveVolumes,
} from "../../../../../../workers/src/kubelet/container-config.ts";
import type { ContainerStatus, PodStatus } from "../../../../../../workers/src/kubelet/pod-status-types.ts";
import { programFor } from "../../../../../../workers/src/kubelet/pod-sync.ts";
import type { ContainerProgram, LogLine } from "../../../../../../workers/src/kubelet/program-types.ts";
import { ApiError } from "../../../errors.ts";
import { CORE_V1, InProcessClient } from "../../client/in-process-client.ts";
import type { KubeObject } from "../../object/types.ts";
import { objectNotFound } from "../../store/errors.ts";
import type { KubeRequest, KubeResponse } from "./context.ts";

/** At most this many lines are replayed when no tail is asked for (a year of a chatty loop is not). */
const MAX_LINES = 100_000;
const FOLLOW_POLL_MS = 250;
const FOLLOW_RECHECK_MS = 2_000;

interface LogOptions {
  container?: string;
  previous: boolean;
  follow: boolean;
  timestamps: boolean;
  tailLines?: number;
  sinceMs?: number;
  limitBytes?: number;
}

function options(req: KubeRequest): LogOptions {
  const q = req.query;
  const bool = (name: string) => q.get(name) === "true" || q.get(name) === "1";
  const int = (name: string) => {
    const raw = q.get(name);
    if (raw === null) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new ApiError("BadRequest", `invalid ${name}: ${raw}`);
    return n;
  };
  const tailLines = int("tailLines");
  const sinceSeconds = int("sinceSeconds");
  const sinceTime = q.get("sinceTime");
  const limitBytes = int("limitBytes");
  if (sinceSeconds !== undefined && sinceSeconds < 1)
    throw new ApiError(
      "Invalid",
      `PodLogOptions "" is invalid: sinceSeconds: Invalid value: ${sinceSeconds}: must be greater than 0`,
    );
  if (tailLines !== undefined && tailLines < 0)
    throw new ApiError(
      "Invalid",
      `PodLogOptions "" is invalid: tailLines: Invalid value: ${tailLines}: must be greater than or equal to 0`,
    );
  const now = req.now.getTime();
  const container = q.get("container");
  return {
    ...(container ? { container } : {}),
    previous: bool("previous"),
    follow: bool("follow"),
    timestamps: bool("timestamps"),
    ...(tailLines !== undefined ? { tailLines } : {}),
    ...(sinceSeconds !== undefined ? { sinceMs: now - sinceSeconds * 1000 } : {}),
    ...(sinceTime ? { sinceMs: Date.parse(sinceTime) } : {}),
    ...(limitBytes !== undefined && limitBytes > 0 ? { limitBytes } : {}),
  };
}

/** Which container the request means, with the errors kube-apiserver gives (pod/rest/log.go). */
function pickContainer(pod: KubeObject, wanted: string | undefined): { spec: ContainerSpec; init: boolean } {
  const spec = podSpecOf(pod);
  const name = pod.metadata.name;
  const inits = spec.initContainers ?? [];
  if (!wanted) {
    if (spec.containers.length === 1 && spec.containers[0]) return { spec: spec.containers[0], init: false };
    const names = spec.containers.map((c) => c.name).join(" ");
    const initPart =
      inits.length > 0 ? ` or one of the init containers: [${inits.map((c) => c.name).join(" ")}]` : "";
    throw new ApiError(
      "BadRequest",
      `a container name must be specified for pod ${name}, choose one of: [${names}]${initPart}`,
    );
  }
  const app = spec.containers.find((c) => c.name === wanted);
  if (app) return { spec: app, init: false };
  const init = inits.find((c) => c.name === wanted);
  if (init) return { spec: init, init: true };
  throw new ApiError("BadRequest", `container ${wanted} is not valid for pod ${name}`);
}

/** The container instance whose output is asked for (kubelet validateContainerLogStatus). */
interface Instance {
  startedAt: number;
  finishedAt?: number;
  restartCount: number;
  current: boolean;
}

function pickInstance(
  pod: KubeObject,
  status: ContainerStatus | undefined,
  container: string,
  previous: boolean,
): Instance {
  const podName = pod.metadata.name;
  const last = status?.lastState.terminated;
  if (previous) {
    if (!status || !last)
      throw new ApiError(
        "BadRequest",
        `previous terminated container "${container}" in pod "${podName}" not found`,
      );
    return {
      startedAt: Date.parse(last.startedAt),
      finishedAt: Date.parse(last.finishedAt),
      restartCount: Math.max(0, status.restartCount - 1),
      current: false,
    };
  }
  const state = status?.state;
  if (state?.running) {
    return {
      startedAt: Date.parse(state.running.startedAt),
      restartCount: status!.restartCount,
      current: true,
    };
  }
  if (state?.terminated) {
    return {
      startedAt: Date.parse(state.terminated.startedAt),
      finishedAt: Date.parse(state.terminated.finishedAt),
      restartCount: status!.restartCount,
      current: true,
    };
  }
  if (last) {
    // Waiting to restart: the kubelet serves the last run's output.
    return {
      startedAt: Date.parse(last.startedAt),
      finishedAt: Date.parse(last.finishedAt),
      restartCount: Math.max(0, status!.restartCount - 1),
      current: false,
    };
  }
  const reason = state?.waiting?.reason ?? "ContainerCreating";
  const why =
    reason === "ErrImagePull" || reason === "ImagePullBackOff" ? "trying and failing to pull image" : reason;
  throw new ApiError(
    "BadRequest",
    `container "${container}" in pod "${podName}" is waiting to start: ${why}`,
  );
}

/**
 * When a finished instance stopped. Status times keep whole seconds, so finishedAt alone would cut
 * off what a container printed in its last second (a crash 30 ms after the start prints nothing):
 * the program's own exit is exact, and a kill happened somewhere within the finishedAt second.
 */
function instanceEnd(instance: Instance, program: ContainerProgram): number | undefined {
  if (instance.finishedAt === undefined) return undefined;
  const exitAt = program.exit ? instance.startedAt + program.exit.atMs : Number.POSITIVE_INFINITY;
  return Math.min(instance.finishedAt + 999, exitAt);
}

/** RFC 3339 with nanoseconds, as the container runtime stamps each line. */
function stamp(at: number, line: LogLine, index: number): string {
  const digits =
    createHash("sha1").update(`${at}/${index}/${line.text}`).digest().readUInt32BE(0) % 1_000_000;
  return `${new Date(at).toISOString().slice(0, 23)}${String(digits).padStart(6, "0")}Z`;
}

function render(lines: LogLine[], startedAt: number, opts: LogOptions, firstIndex = 0): string {
  return lines
    .map((line, i) =>
      opts.timestamps
        ? `${stamp(startedAt + line.atMs, line, firstIndex + i)} ${line.text}\n`
        : `${line.text}\n`,
    )
    .join("");
}

/** GET pods/<name>/log: what the container printed, computed from its program and clock. */
export async function podLogHandler(req: KubeRequest, podName: string): Promise<KubeResponse> {
  const opts = options(req);
  const namespace = req.path.namespace ?? "default";
  const client = new InProcessClient(req.runtime, req.clusterId, "kube-apiserver");
  const pod = await client.get(CORE_V1("pods"), namespace, podName);
  if (!pod) throw objectNotFound({ group: "", resource: "pods", namespace, name: podName });
  const { spec: container, init } = pickContainer(pod, opts.container);
  if (!podSpecOf(pod).nodeName)
    throw new ApiError("BadRequest", `pod ${podName} does not have a host assigned`);
  const status = (pod.status ?? {}) as PodStatus;
  const statuses = init ? status.initContainerStatuses : status.containerStatuses;
  const instance = pickInstance(
    pod,
    statuses?.find((s) => s.name === container.name),
    container.name,
    opts.previous,
  );

  const world = await loadPodWorld(client, pod);
  const volumes = resolveVolumes(pod, world, undefined);
  const resolved = volumes.ok ? resolveContainer(pod, container, world, volumes.value) : volumes;
  const program = programFor(
    pod,
    container,
    instance.restartCount,
    instance.startedAt,
    resolved,
    status.podIP,
  );

  const now = req.now.getTime();
  const until = Math.min(now, instanceEnd(instance, program) ?? now) - instance.startedAt;
  let lines = program.logs(until, opts.tailLines ?? MAX_LINES);
  if (opts.sinceMs !== undefined) lines = lines.filter((l) => instance.startedAt + l.atMs >= opts.sinceMs!);
  let text = render(lines, instance.startedAt, opts);
  if (opts.limitBytes !== undefined) text = Buffer.from(text).subarray(0, opts.limitBytes).toString("utf8");

  const endsAt = program.exit ? instance.startedAt + program.exit.atMs : undefined;
  const stillRunning =
    instance.current && instance.finishedAt === undefined && (endsAt === undefined || endsAt > now);
  if (!opts.follow || !stillRunning || opts.limitBytes !== undefined) {
    return { status: 200, body: text, contentType: "text/plain" };
  }
  const last = lines.at(-1);
  return {
    status: 200,
    body: followStream(text, {
      client,
      pod,
      container,
      instance,
      program,
      lastAtMs: last?.atMs ?? -1,
      opts,
      req,
    }),
    contentType: "text/plain",
  };
}

interface FollowState {
  client: InProcessClient;
  pod: KubeObject;
  container: ContainerSpec;
  instance: Instance;
  program: ContainerProgram;
  /** The newest line already sent, by its time: later lines are new. */
  lastAtMs: number;
  opts: LogOptions;
  req: KubeRequest;
}

/**
 * `kubectl logs -f`: the lines so far, then each new line when the clock reaches it, until the
 * container stops, restarts or its pod goes (as the kubelet's follow ends).
 */
function followStream(initial: string, state: FollowState): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let lastCheck = Date.now();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (initial) controller.enqueue(encoder.encode(initial));
      const tick = async () => {
        if (closed) return;
        try {
          const now = state.req.runtime.clock.now().getTime();
          const startedAt = state.instance.startedAt;
          const exitAt = state.program.exit ? startedAt + state.program.exit.atMs : undefined;
          const until = Math.min(now, exitAt ?? now) - startedAt;
          const fresh = state.program.logs(until, 1_000).filter((l) => l.atMs > state.lastAtMs);
          if (fresh.length > 0) {
            controller.enqueue(encoder.encode(render(fresh, startedAt, state.opts)));
            state.lastAtMs = fresh.at(-1)!.atMs;
          }
          let ended = exitAt !== undefined && now >= exitAt;
          if (!ended && Date.now() - lastCheck >= FOLLOW_RECHECK_MS) {
            lastCheck = Date.now();
            ended = await instanceEnded(state);
          }
          if (ended) {
            closed = true;
            controller.close();
            return;
          }
        } catch {
          closed = true;
          controller.close();
          return;
        }
        timer = setTimeout(tick, FOLLOW_POLL_MS);
      };
      timer = setTimeout(tick, FOLLOW_POLL_MS);
    },
    cancel() {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  });
}

/** The followed container stopped, restarted, or its pod is gone or terminating. */
async function instanceEnded(state: FollowState): Promise<boolean> {
  const pod = await state.client.get(
    CORE_V1("pods"),
    state.pod.metadata.namespace ?? "",
    state.pod.metadata.name ?? "",
  );
  if (!pod || pod.metadata.uid !== state.pod.metadata.uid) return true;
  const status = (pod.status ?? {}) as PodStatus;
  const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  const current = all.find((s) => s.name === state.container.name);
  const running = current?.state.running;
  return !running || Date.parse(running.startedAt) !== state.instance.startedAt;
}
