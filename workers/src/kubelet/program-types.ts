/**
 * What the simulated kubelet knows about a container's process: the contract between the image
 * catalog and shell interpreter (which compute it) and the kubelet and `kubectl logs` (which read
 * it). Everything is a pure function of the container's spec, its resolved configuration and the
 * time since it started, so nothing ticks and logs are never stored (ARCHITECTURE §5).
 */

/** One container instance about to start (a restart is a new instance). */
export interface ContainerInput {
  /** The image as written in the pod spec (`nginx`, `mongo:5.0`, `ghcr.io/me/app:1`). */
  image: string;
  command?: string[];
  args?: string[];
  /** The environment after the kubelet resolved env and envFrom (values from Secrets/ConfigMaps). */
  env: Record<string, string>;
  /** Files mounted into the container (configMap/secret volumes, downward API): path → content. */
  files: Record<string, string>;
  /** The pod's hostname (the pod name unless spec.hostname says otherwise). */
  hostname: string;
  podIP?: string;
  /** Stable per instance (pod uid, container name, restart count): any variation derives from it. */
  seed: string;
  /** When this instance started: log lines carry wall-clock timestamps (`date`, nginx, postgres …). */
  startedAt: Date;
  /** The container's `ports[].containerPort`: what an image the catalog does not know listens on. */
  declaredPorts: number[];
}

/** A line the container wrote, `atMs` after it started. */
export interface LogLine {
  atMs: number;
  stream: "stdout" | "stderr";
  text: string;
}

/** How a container instance behaves once started. */
export interface ContainerProgram {
  /** Every line written up to `untilMs` after start, oldest first; at most the last `limit` lines. */
  logs(untilMs: number, limit?: number): LogLine[];
  /** When and how the process ends by itself; absent for a server or an endless loop. */
  exit?: { atMs: number; code: number };
  /** TCP ports it listens on once ready (probes on other ports fail). */
  ports: number[];
  /** When it starts answering on its ports (a database finishing its init). */
  readyAtMs: number;
  /** How long it takes to exit after SIGTERM (a shell ignoring signals waits for the grace period). */
  stopMs: number | "ignores-sigterm";
  /**
   * The runtime could not start the process at all (runc: `exec: "x": executable file not found in
   * $PATH`): the kubelet reports a terminated state with reason StartError, exit code 128 and this
   * message (event `Failed`, "Error: " + message). Such a program has no logs and `exit` is
   * `{ atMs: 0, code: 128 }`.
   */
  startError?: string;
}

/** The outcome of pulling an image from the simulated registry. */
export type PullResult =
  | {
      ok: true;
      /** Fully qualified: `docker.io/library/nginx:latest`. */
      reference: string;
      /** `sha256:…`, stable for the reference. */
      digest: string;
      sizeBytes: number;
      /** How long the pull takes at realistic speed. */
      pullMs: number;
    }
  | {
      ok: false;
      /** `ErrImagePull` (registry said no) or `InvalidImageName` (the reference does not parse). */
      reason: "ErrImagePull" | "InvalidImageName";
      /** The text after `Failed to pull image "x": ` in the kubelet's event, as containerd words it. */
      message: string;
    };
