import type { SimulationSpeed } from "../runtime/cluster-speed.ts";

/**
 * The kubelet's clocks at a cluster's speed. `instant` removes every wait that is only realism
 * (pulls, creation); back-offs shrink instead of vanishing, so a crash-looping container in CI
 * neither spins nor takes minutes.
 */
export interface KubeletTiming {
  /** How long pulling an image takes, given its realistic duration. */
  pullMs(realisticMs: number): number;
  /** Crash-loop back-off before restart number `restartCount + 1` (kubelet: 0, 10 s, 20 s … 5 min). */
  restartBackOffMs(restartCount: number): number;
  /** Image pull back-off after `failures` failed pulls (10 s doubling to 5 min). */
  imagePullBackOffMs(failures: number): number;
  /** How long ErrImagePull shows before the pod worker reports ImagePullBackOff. */
  errImagePullShownMs: number;
  /**
   * How long a container that exited is reported Terminated (`Error`, `Completed`) before the
   * kubelet's next sync restarts it or backs off: PLEG notices the exit, the status says so, and
   * only the sync after it restarts or says CrashLoopBackOff. It is why `get pods -w` shows a crash
   * loop alternating Error and CrashLoopBackOff. Counted from the whole-second finishedAt.
   */
  exitReportedMs: number;
  /** How often a container waiting on configuration (a missing Secret …) is retried. */
  configRetryMs: number;
}

const MAX_BACKOFF_MS = 300_000;

function doubling(step: number, base: number): number {
  return Math.min(base * 2 ** Math.max(0, step), MAX_BACKOFF_MS);
}

export function kubeletTiming(speed: SimulationSpeed): KubeletTiming {
  const scale = speed === "instant" ? 0.1 : 1;
  return {
    pullMs: (realisticMs) => (speed === "instant" ? 0 : realisticMs),
    restartBackOffMs: (restartCount) =>
      restartCount === 0 ? 0 : Math.round(doubling(restartCount - 1, 10_000) * scale),
    imagePullBackOffMs: (failures) => Math.round(doubling(failures - 1, 10_000) * scale),
    errImagePullShownMs: speed === "instant" ? 0 : 1_000,
    exitReportedMs: speed === "instant" ? 0 : 2_000,
    configRetryMs: Math.round(10_000 * scale),
  };
}

/** Go's time.Duration.String() for durations truncated to milliseconds: `1.234s`, `823ms`. */
export function goDuration(ms: number): string {
  const whole = Math.max(0, Math.trunc(ms));
  if (whole < 1000) return `${whole}ms`;
  const minutes = Math.floor(whole / 60_000);
  const seconds = (whole % 60_000) / 1000;
  const secondsText = `${seconds.toFixed(3).replace(/\.?0+$/, "")}s`;
  return minutes > 0 ? `${minutes}m${secondsText}` : secondsText;
}
