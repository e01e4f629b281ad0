import type { ContainerSpec, Probe } from "./container-config.ts";
import type { ContainerProgram } from "./program-types.ts";

/**
 * What a container's probes will say, decided from the simulated process (prober/worker.go): a
 * tcpSocket or httpGet probe succeeds once the process listens on the port, never on a port it
 * does not listen on; exec and gRPC probes follow whether the process is up.
 */
export interface ProbePlan {
  /** When the container turns Ready; absent if its readiness probe never passes. */
  readyAt?: number;
  /** When the startup probe passed (the container's `started`). */
  startedAt: number;
  /** The readiness probe's failure message, if it keeps failing, and when it is first seen. */
  readinessFailure?: string;
  readinessFailureAt: number;
  /** When a failing liveness probe gets the container killed, and the failures recorded before. */
  livenessKillAt?: number;
  livenessFailures: string[];
  periodMs: number;
}

interface Outcome {
  /** When the probe first succeeds, relative to start; absent: it never does. */
  passesAfterMs?: number;
  failure?: string;
}

function portOf(container: ContainerSpec, port: number | string | undefined): number | undefined {
  if (typeof port === "number") return port;
  if (port === undefined) return undefined;
  const named = container.ports?.find((p) => p.name === port);
  if (named) return named.containerPort;
  const n = Number(port);
  return Number.isInteger(n) ? n : undefined;
}

function outcome(
  kind: "Readiness" | "Liveness" | "Startup",
  probe: Probe,
  container: ContainerSpec,
  program: ContainerProgram,
  podIP: string,
): Outcome {
  const initialMs = (probe.initialDelaySeconds ?? 0) * 1000;
  const target = probe.httpGet ?? probe.tcpSocket ?? probe.grpc;
  if (!target) return { passesAfterMs: initialMs };
  const port = portOf(container, target.port);
  const host = ("host" in target && target.host) || podIP;
  if (port !== undefined && program.ports.includes(port)) {
    return { passesAfterMs: Math.max(initialMs, program.readyAtMs) };
  }
  const refused = `dial tcp ${host}:${port ?? target.port}: connect: connection refused`;
  if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? "HTTP").toLowerCase();
    const path = probe.httpGet.path ?? "/";
    return {
      failure: `${kind} probe failed: Get "${scheme}://${host}:${port ?? target.port}${path}": ${refused}`,
    };
  }
  if (probe.grpc) {
    return {
      failure: `${kind} probe failed: timeout: failed to connect service "${host}:${port}" within 1s: context deadline exceeded`,
    };
  }
  return { failure: `${kind} probe failed: ${refused}` };
}

export function probePlan(
  container: ContainerSpec,
  program: ContainerProgram,
  startedAt: number,
  podIP: string,
): ProbePlan {
  const periodOf = (p: Probe | undefined) => (p?.periodSeconds ?? 10) * 1000;
  const firstCheck = (p: Probe) => (p.initialDelaySeconds ?? 0) * 1000;
  const plan: ProbePlan = {
    startedAt,
    readinessFailureAt: startedAt,
    livenessFailures: [],
    periodMs: periodOf(container.readinessProbe),
  };

  if (container.startupProbe) {
    const o = outcome("Startup", container.startupProbe, container, program, podIP);
    if (o.passesAfterMs === undefined) {
      // Never started: the kubelet kills it after failureThreshold periods, like a liveness failure.
      const probe = container.startupProbe;
      plan.startedAt = Number.POSITIVE_INFINITY;
      plan.livenessKillAt = startedAt + firstCheck(probe) + periodOf(probe) * (probe.failureThreshold ?? 3);
      plan.livenessFailures = [o.failure ?? "Startup probe failed"];
      return plan;
    }
    plan.startedAt = startedAt + o.passesAfterMs;
  }

  const readiness = container.readinessProbe;
  if (!readiness) plan.readyAt = plan.startedAt;
  else {
    const o = outcome("Readiness", readiness, container, program, podIP);
    if (o.passesAfterMs !== undefined) plan.readyAt = Math.max(plan.startedAt, startedAt + o.passesAfterMs);
    else {
      plan.readinessFailure = o.failure;
      plan.readinessFailureAt =
        startedAt + firstCheck(readiness) + periodOf(readiness) * (readiness.failureThreshold ?? 3);
    }
  }

  const liveness = container.livenessProbe;
  if (liveness) {
    const o = outcome("Liveness", liveness, container, program, podIP);
    if (o.passesAfterMs === undefined) {
      const threshold = liveness.failureThreshold ?? 3;
      plan.livenessKillAt =
        Math.max(plan.startedAt, startedAt + firstCheck(liveness)) + periodOf(liveness) * threshold;
      plan.livenessFailures = [o.failure ?? "Liveness probe failed"];
    }
  }
  return plan;
}
