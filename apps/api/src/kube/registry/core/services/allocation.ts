/**
 * Service allocation inside the write transaction (the Service REST storage's allocateCreate and
 * allocateUpdate, pkg/registry/core/service/storage/alloc.go, release-1.32): cluster IPs, node ports
 * and health check node ports, with upstream's 422 and 500 answers.
 */
import { ApiError } from "../../../../errors.ts";
import type { KubeObject } from "../../../object/types.ts";
import type { StoreTransaction } from "../../../store/transaction.ts";
import { type FieldError, invalidField, invalidObjectError } from "../../../validation/field-errors.ts";
import { canonicalIpv4, isIpv4 } from "../ip.ts";
import { asNumber, type JsonObject } from "../json.ts";
import { checkRequestedIp, NodePortOperation, nextFreeIp, RANGE_FULL } from "./allocators.ts";
import {
  clusterIPs,
  heldNodePorts,
  isHeadless,
  needsClusterIP,
  needsHealthCheck,
  needsNodePort,
  ports,
  shouldAllocateNodePorts,
  specOf,
} from "./service-fields.ts";

interface Taken {
  ips: Set<string>;
  nodePorts: Set<number>;
}

/** What every other Service of the cluster holds. */
async function takenByOthers(tx: StoreTransaction, self: KubeObject): Promise<Taken> {
  const taken: Taken = { ips: new Set(), nodePorts: new Set() };
  for (const svc of await tx.list("", "services")) {
    if (svc.metadata.namespace === self.metadata.namespace && svc.metadata.name === self.metadata.name)
      continue;
    const spec = specOf(svc);
    for (const ip of clusterIPs(spec)) if (isIpv4(ip)) taken.ips.add(canonicalIpv4(ip));
    for (const port of heldNodePorts(spec)) taken.nodePorts.add(port);
  }
  return taken;
}

function invalid(svc: KubeObject, err: FieldError): ApiError {
  return invalidObjectError("Service", "", svc.metadata.name ?? "", [err]);
}

function internal(message: string): ApiError {
  return new ApiError("InternalError", `Internal error occurred: ${message}`);
}

function allocateClusterIP(svc: KubeObject, taken: Taken, dryRun: boolean): void {
  const spec = specOf(svc);
  if (!needsClusterIP(spec) || isHeadless(spec)) return;
  const requested = clusterIPs(spec);
  let ip = requested[0] ?? "";
  if (!ip) {
    const next = nextFreeIp(taken.ips, dryRun);
    if (!next) throw internal(`failed to allocate a serviceIP: ${RANGE_FULL}`);
    ip = next;
  } else {
    const refusal = checkRequestedIp(ip, taken.ips, dryRun);
    if (refusal)
      throw invalid(
        svc,
        invalidField("spec.clusterIPs", requested, `failed to allocate IP ${ip}: ${refusal}`),
      );
  }
  spec.clusterIP = ip;
  spec.clusterIPs = [ip, ...requested.slice(1)];
}

function allocateNext(op: NodePortOperation): number {
  const port = op.allocateNext();
  if (port === undefined) throw internal(`failed to allocate a nodePort: ${RANGE_FULL}`);
  return port;
}

/** initNodePorts: ports sharing a number share a node port; requested ones are reserved first. */
function initNodePorts(svc: KubeObject, op: NodePortOperation): void {
  const spec = specOf(svc);
  const list = ports(spec);
  const byPort = new Map<number, number>();
  for (const [port, i] of list) {
    const requested = asNumber(port.nodePort) ?? 0;
    if (requested === 0 && !shouldAllocateNodePorts(spec)) continue;
    const number = asNumber(port.port) ?? 0;
    const already = byPort.get(number);
    if (already === undefined) {
      const wanted = list.map(([p]) => p).find((p) => p.port === number && asNumber(p.nodePort))?.nodePort as
        | number
        | undefined;
      if (wanted) {
        const refusal = op.allocate(wanted);
        if (refusal) throw invalid(svc, invalidField(`spec.ports[${i}].nodePort`, wanted, refusal));
        port.nodePort = wanted;
      } else {
        port.nodePort = allocateNext(op);
      }
      byPort.set(number, port.nodePort as number);
    } else if (requested !== already) {
      if (requested === 0) port.nodePort = already;
      else {
        const refusal = op.allocate(requested);
        if (refusal) throw invalid(svc, invalidField(`spec.ports[${i}].nodePort`, requested, refusal));
      }
    }
  }
}

function allocateHealthCheckPort(spec: JsonObject, op: NodePortOperation): void {
  const requested = asNumber(spec.healthCheckNodePort) ?? 0;
  if (requested !== 0) {
    const refusal = op.allocate(requested);
    if (refusal) throw internal(`failed to allocate requested HealthCheck NodePort ${requested}: ${refusal}`);
  } else {
    const port = op.allocateNext();
    if (port === undefined) throw internal(`failed to allocate a HealthCheck NodePort 0: ${RANGE_FULL}`);
    spec.healthCheckNodePort = port;
  }
}

/** allocateCreate: everything a new Service needs from the cluster's pools. */
export async function allocateServiceCreate(
  svc: KubeObject,
  tx: StoreTransaction,
  dryRun: boolean,
): Promise<void> {
  const taken = await takenByOthers(tx, svc);
  allocateClusterIP(svc, taken, dryRun);
  const spec = specOf(svc);
  const op = new NodePortOperation(taken.nodePorts, dryRun);
  if (needsNodePort(spec)) initNodePorts(svc, op);
  if (needsHealthCheck(spec)) allocateHealthCheckPort(spec, op);
}

/** allocateUpdate: an IP when leaving ExternalName, node ports for new or changed ports. */
export async function allocateServiceUpdate(
  svc: KubeObject,
  prev: KubeObject,
  tx: StoreTransaction,
  dryRun: boolean,
): Promise<void> {
  const spec = specOf(svc);
  const old = specOf(prev);
  const taken = await takenByOthers(tx, svc);
  if (!needsClusterIP(old) && needsClusterIP(spec)) allocateClusterIP(svc, taken, dryRun);
  // The Service's own ports stay allocated to it: it may keep them, a new pick may not land on them.
  const held = new Set(heldNodePorts(old));
  const op = new NodePortOperation(new Set([...taken.nodePorts, ...held]), dryRun);
  if (needsNodePort(spec)) {
    for (const [port, i] of ports(spec)) {
      const requested = asNumber(port.nodePort) ?? 0;
      if (requested === 0 && !shouldAllocateNodePorts(spec)) continue;
      if (requested === 0) port.nodePort = allocateNext(op);
      else if (!held.has(requested)) {
        const refusal = op.allocate(requested);
        if (refusal) throw invalid(svc, invalidField(`spec.ports[${i}].nodePort`, requested, refusal));
      }
    }
  }
  if (needsHealthCheck(spec) && !needsHealthCheck(old)) allocateHealthCheckPort(spec, op);
}
