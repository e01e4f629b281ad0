import type { KubeObject, ObjectRef } from "../../../apps/api/src/kube/object/types.ts";
import { KUBERNETES_VERSION } from "../../../apps/api/src/kube/server/version.ts";
import { kubeTime } from "../../../apps/api/src/platform/clock.ts";
import type { ClusterSpec } from "../../../db/schema/index.ts";
import { eventObject } from "../events/record-event.ts";
import { memoryInKi } from "./quantities.ts";

export interface BootstrapItem {
  ref: ObjectRef;
  object: KubeObject;
}

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

const ROOT_CA_DESCRIPTION =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

export const ROOT_CA_CONFIGMAP = "kube-root-ca.crt";

/** The ConfigMap every namespace holds with the cluster's CA (root-ca-cert-publisher). */
export function rootCaConfigMap(namespace: string, caPem: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: ROOT_CA_CONFIGMAP,
      namespace,
      annotations: { "kubernetes.io/description": ROOT_CA_DESCRIPTION },
    },
    data: { "ca.crt": caPem },
  };
}

/** kind-style node names: the first node is the control plane, the rest are workers. */
export function nodeNames(clusterName: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    i === 0
      ? `${clusterName}-control-plane`
      : i === 1
        ? `${clusterName}-worker`
        : `${clusterName}-worker${i}`,
  );
}

/** The `kubernetes` service's ClusterIP: the first address of the service range, in every cluster. */
export const KUBERNETES_SERVICE_IP = "10.96.0.1";

/** The internal IP of node i: what `kubectl get nodes -o wide` shows and pods' hostIP. */
export const nodeInternalIp = (index: number) => `172.18.0.${index + 2}`;

/** Everything a fresh cluster holds, as kubeadm + kind leave it. */
export function bootstrapObjects(input: {
  clusterName: string;
  spec: ClusterSpec;
  caPem: string;
  now: Date;
}): BootstrapItem[] {
  const { clusterName, spec, caPem, now } = input;
  const items: BootstrapItem[] = [];
  const add = (group: string, resource: string, namespace: string, object: KubeObject) =>
    items.push({ ref: { group, resource, namespace, name: object.metadata.name! }, object });

  for (const ns of SYSTEM_NAMESPACES) {
    add("", "namespaces", "", namespaceObject(ns));
  }
  for (const ns of SYSTEM_NAMESPACES) {
    add("", "serviceaccounts", ns, {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: ns },
    });
    add("", "configmaps", ns, rootCaConfigMap(ns, caPem));
  }
  const names = nodeNames(clusterName, spec.nodes.count);
  names.forEach((name, i) => {
    add("", "nodes", "", nodeObject(name, i, spec, now));
    for (const event of nodeStartupEvents(name, now)) add("", "events", "default", event);
    add("coordination.k8s.io", "leases", "kube-node-lease", {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: { name, namespace: "kube-node-lease", ownerReferences: [] },
      spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(now) },
    });
  });
  const apiServerIp = nodeInternalIp(0);
  add("", "services", "default", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { component: "apiserver", provider: "kubernetes" },
    },
    spec: {
      clusterIP: KUBERNETES_SERVICE_IP,
      clusterIPs: [KUBERNETES_SERVICE_IP],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }],
      sessionAffinity: "None",
      type: "ClusterIP",
    },
    status: { loadBalancer: {} },
  });
  add("", "endpoints", "default", {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "endpointslice.kubernetes.io/skip-mirror": "true" },
    },
    subsets: [{ addresses: [{ ip: apiServerIp }], ports: [{ name: "https", port: 6443, protocol: "TCP" }] }],
  });
  add("discovery.k8s.io", "endpointslices", "default", {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: {
      name: "kubernetes",
      namespace: "default",
      labels: { "kubernetes.io/service-name": "kubernetes" },
    },
    addressType: "IPv4",
    endpoints: [{ addresses: [apiServerIp], conditions: { ready: true } }],
    ports: [{ name: "https", port: 6443, protocol: "TCP" }],
  });
  add("", "services", "kube-system", {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: "kube-dns",
      namespace: "kube-system",
      labels: {
        "k8s-app": "kube-dns",
        "kubernetes.io/cluster-service": "true",
        "kubernetes.io/name": "CoreDNS",
      },
      annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" },
    },
    spec: {
      clusterIP: "10.96.0.10",
      clusterIPs: ["10.96.0.10"],
      internalTrafficPolicy: "Cluster",
      ipFamilies: ["IPv4"],
      ipFamilyPolicy: "SingleStack",
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
      selector: { "k8s-app": "kube-dns" },
      sessionAffinity: "None",
      type: "ClusterIP",
    },
    status: { loadBalancer: {} },
  });
  add("storage.k8s.io", "storageclasses", "", standardStorageClass());
  return items;
}

const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/**
 * The default StorageClass kind installs (with rancher's local-path-provisioner): volumes are made
 * on the node of their first pod and deleted with their claim. kind applies it with kubectl, hence
 * the last-applied-configuration annotation.
 */
function standardStorageClass(): KubeObject {
  const applied = {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" }, name: "standard" },
    provisioner: "rancher.io/local-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  };
  return {
    ...applied,
    metadata: {
      name: "standard",
      annotations: {
        "kubectl.kubernetes.io/last-applied-configuration": `${JSON.stringify(applied)}\n`,
        [DEFAULT_CLASS_ANNOTATION]: "true",
      },
    },
  };
}

function namespaceObject(name: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { "kubernetes.io/metadata.name": name } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

function nodeObject(name: string, index: number, spec: ClusterSpec, now: Date): KubeObject {
  const memory = memoryInKi(spec.nodes.memory);
  const role = index === 0 ? "control-plane" : "worker";
  const transition = kubeTime(now);
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: transition,
    lastTransitionTime: transition,
    reason,
    message,
  });
  const resources = {
    cpu: spec.nodes.cpu,
    "ephemeral-storage": "102626232Ki",
    "hugepages-1Gi": "0",
    "hugepages-2Mi": "0",
    memory,
    pods: "110",
  };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        [`node-role.kubernetes.io/${role}`]: "",
        ...(index === 0 ? { "node.kubernetes.io/exclude-from-external-load-balancers": "" } : {}),
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
      },
    },
    spec: {
      podCIDR: `10.244.${index}.0/24`,
      podCIDRs: [`10.244.${index}.0/24`],
      providerID: `sandcastle://${name}`,
    },
    status: {
      addresses: [
        { address: nodeInternalIp(index), type: "InternalIP" },
        { address: name, type: "Hostname" },
      ],
      allocatable: resources,
      capacity: resources,
      conditions: [
        condition(
          "MemoryPressure",
          "False",
          "KubeletHasSufficientMemory",
          "kubelet has sufficient memory available",
        ),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        architecture: "amd64",
        bootID: crypto.randomUUID(),
        containerRuntimeVersion: "containerd://1.7.24",
        kernelVersion: "6.1.0-sandcastle",
        kubeProxyVersion: KUBERNETES_VERSION.gitVersion,
        kubeletVersion: KUBERNETES_VERSION.gitVersion,
        machineID: crypto.randomUUID().replaceAll("-", ""),
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        systemUUID: crypto.randomUUID(),
      },
    },
  };
}

/**
 * What a node's kubelet and the node controller record as the node joins, as on a fresh kind
 * cluster: `kubectl describe node` and `kubectl get events` show them. Kubelet events about a node
 * name it as the uid (its object reference has no other).
 */
function nodeStartupEvents(name: string, now: Date): KubeObject[] {
  const node: KubeObject = { apiVersion: "v1", kind: "Node", metadata: { name, uid: name } };
  const kubelet = { component: "kubelet", host: name };
  const status = (reason: string) => ({
    type: "Normal" as const,
    reason,
    message: `Node ${name} status is now: ${reason}`,
  });
  return [
    eventObject(kubelet, node, { type: "Normal", reason: "Starting", message: "Starting kubelet." }, now),
    eventObject(kubelet, node, status("NodeHasSufficientMemory"), now),
    eventObject(kubelet, node, status("NodeHasNoDiskPressure"), now),
    eventObject(kubelet, node, status("NodeHasSufficientPID"), now),
    eventObject(
      kubelet,
      node,
      {
        type: "Normal",
        reason: "NodeAllocatableEnforced",
        message: "Updated Node Allocatable limit across pods",
      },
      now,
    ),
    eventObject(
      { component: "node-controller" },
      node,
      {
        type: "Normal",
        reason: "RegisteredNode",
        message: `Node ${name} event: Registered Node ${name} in Controller`,
      },
      now,
    ),
    eventObject(kubelet, node, status("NodeReady"), now),
  ].map((e) => e.event);
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(date: Date): string {
  return `${date.toISOString().slice(0, 23)}000Z`;
}
