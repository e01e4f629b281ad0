import { CORE_V1, type InProcessClient } from "../../../apps/api/src/kube/client/in-process-client.ts";
import type { KubeObject } from "../../../apps/api/src/kube/object/types.ts";
import { milliValue, parseQuantity } from "../../../apps/api/src/kube/validation/quantity.ts";
import { KUBERNETES_SERVICE_IP } from "../provisioning/bootstrap-objects.ts";

/**
 * What the kubelet resolves before it creates a container (kubelet_pods.go makeEnvironmentVariables
 * and the configMap/secret/downwardAPI/projected volume plugins): the environment and the files a
 * container sees. Shared by the kubelet (which fails a start on what is missing) and `kubectl logs`
 * (which replays what the container printed from the same inputs).
 */

export interface PodSpecView {
  containers: ContainerSpec[];
  initContainers?: ContainerSpec[];
  volumes?: VolumeSpec[];
  nodeName?: string;
  serviceAccountName?: string;
  hostname?: string;
  enableServiceLinks?: boolean;
}

export interface ContainerSpec {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { prefix?: string; configMapRef?: NamedRef; secretRef?: NamedRef }[];
  volumeMounts?: { name: string; mountPath: string; subPath?: string }[];
  ports?: { containerPort: number; protocol?: string; name?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  imagePullPolicy?: string;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy?: string;
}

export interface Probe {
  httpGet?: { port: number | string; path?: string; scheme?: string; host?: string };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command?: string[] };
  grpc?: { port: number };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

interface NamedRef {
  name?: string;
  optional?: boolean;
}

interface KeyRef extends NamedRef {
  key: string;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: KeyRef;
    configMapKeyRef?: KeyRef;
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: { containerName?: string; resource: string; divisor?: string };
  };
}

interface KeyToPath {
  key: string;
  path: string;
}

interface VolumeSpec {
  name: string;
  persistentVolumeClaim?: { claimName?: string };
  configMap?: NamedRef & { items?: KeyToPath[] };
  secret?: { secretName?: string; optional?: boolean; items?: KeyToPath[] };
  downwardAPI?: { items?: DownwardItem[] };
  projected?: {
    sources?: {
      configMap?: NamedRef & { items?: KeyToPath[] };
      secret?: NamedRef & { items?: KeyToPath[] };
      downwardAPI?: { items?: DownwardItem[] };
      serviceAccountToken?: { path: string };
    }[];
  };
}

interface DownwardItem {
  path: string;
  fieldRef?: { fieldPath: string };
}

/** The objects a pod's configuration reads, fetched once per sync. */
export interface PodWorld {
  secrets: Map<string, KubeObject>;
  configMaps: Map<string, KubeObject>;
  /** The pod's PersistentVolumeClaims: a volume mounts once its claim is Bound. */
  claims: Map<string, KubeObject>;
  /** Services of the pod's namespace, for the `<NAME>_SERVICE_HOST` variables. */
  services: KubeObject[];
  /** The `kubernetes` service's ClusterIP (default namespace). */
  apiServerIp: string;
}

/** `quiet`: a wait that is normal for a moment (a claim being bound), not worth an event. */
export type Resolution<T> = { ok: true; value: T } | { ok: false; message: string; quiet?: boolean };

export function podSpecOf(pod: KubeObject): PodSpecView {
  return (pod.spec ?? { containers: [] }) as PodSpecView;
}

/** Fetches every Secret and ConfigMap the pod names, and the services its env links to. */
export async function loadPodWorld(client: InProcessClient, pod: KubeObject): Promise<PodWorld> {
  const spec = podSpecOf(pod);
  const namespace = pod.metadata.namespace ?? "default";
  const secretNames = new Set<string>();
  const configMapNames = new Set<string>();
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const from of c.envFrom ?? []) {
      if (from.secretRef?.name) secretNames.add(from.secretRef.name);
      if (from.configMapRef?.name) configMapNames.add(from.configMapRef.name);
    }
    for (const env of c.env ?? []) {
      if (env.valueFrom?.secretKeyRef?.name) secretNames.add(env.valueFrom.secretKeyRef.name);
      if (env.valueFrom?.configMapKeyRef?.name) configMapNames.add(env.valueFrom.configMapKeyRef.name);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret?.secretName) secretNames.add(v.secret.secretName);
    if (v.configMap?.name) configMapNames.add(v.configMap.name);
    for (const s of v.projected?.sources ?? []) {
      if (s.secret?.name) secretNames.add(s.secret.name);
      if (s.configMap?.name) configMapNames.add(s.configMap.name);
    }
  }
  const fetchAll = async (resource: string, names: Set<string>) => {
    const found = new Map<string, KubeObject>();
    await Promise.all(
      [...names].map(async (name) => {
        const obj = await client.getShared(CORE_V1(resource), namespace, name);
        if (obj) found.set(name, obj);
      }),
    );
    return found;
  };
  const claimNames = new Set(
    (spec.volumes ?? []).flatMap((v) =>
      v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
    ),
  );
  const linksServices = spec.enableServiceLinks !== false;
  const [secrets, configMaps, claims, services] = await Promise.all([
    fetchAll("secrets", secretNames),
    fetchAll("configmaps", configMapNames),
    fetchAll("persistentvolumeclaims", claimNames),
    linksServices ? client.list(CORE_V1("services"), namespace) : Promise.resolve([]),
  ]);
  // Every cluster's `kubernetes` service has the first address of the range: no need to read it.
  return { secrets, configMaps, claims, services, apiServerIp: KUBERNETES_SERVICE_IP };
}

function secretValue(secret: KubeObject, key: string): string | undefined {
  const data = secret.data as Record<string, string> | undefined;
  const encoded = data?.[key];
  if (encoded !== undefined) return Buffer.from(encoded, "base64").toString("utf8");
  return (secret.stringData as Record<string, string> | undefined)?.[key];
}

function configMapValue(cm: KubeObject, key: string): string | undefined {
  const data = cm.data as Record<string, string> | undefined;
  if (data?.[key] !== undefined) return data[key];
  const binary = (cm.binaryData as Record<string, string> | undefined)?.[key];
  return binary === undefined ? undefined : Buffer.from(binary, "base64").toString("utf8");
}

/** A downward-API field of the pod (fieldRef.fieldPath), as the kubelet renders it. */
function podField(pod: KubeObject, path: string): string {
  const status = (pod.status ?? {}) as { podIP?: string; hostIP?: string; podIPs?: { ip: string }[] };
  const spec = podSpecOf(pod);
  const mapEntry = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (mapEntry) {
    const map = (mapEntry[1] === "labels" ? pod.metadata.labels : pod.metadata.annotations) ?? {};
    return map[mapEntry[2]!] ?? "";
  }
  const formatMap = (map: Record<string, string> | undefined) =>
    Object.entries(map ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}="${v}"`)
      .join("\n");
  switch (path) {
    case "metadata.name":
      return pod.metadata.name ?? "";
    case "metadata.namespace":
      return pod.metadata.namespace ?? "";
    case "metadata.uid":
      return pod.metadata.uid ?? "";
    case "metadata.labels":
      return formatMap(pod.metadata.labels);
    case "metadata.annotations":
      return formatMap(pod.metadata.annotations);
    case "spec.nodeName":
      return spec.nodeName ?? "";
    case "spec.serviceAccountName":
      return spec.serviceAccountName ?? "";
    case "status.hostIP":
    case "status.hostIPs":
      return status.hostIP ?? "";
    case "status.podIP":
      return status.podIP ?? "";
    case "status.podIPs":
      return (status.podIPs ?? []).map((p) => p.ip).join(",");
    default:
      return "";
  }
}

function resourceField(container: ContainerSpec, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split(".") as ["limits" | "requests", string];
  const raw = container.resources?.[kind]?.[name] ?? container.resources?.limits?.[name];
  // Without a limit the kubelet reports the node's allocatable; the simulation's nodes are uniform.
  const quantity = parseQuantity(raw ?? (name === "cpu" ? "2" : name === "memory" ? "4Gi" : "0"));
  const div = parseQuantity(divisor ?? "1");
  if (!quantity || !div) return "0";
  const value = Number(milliValue(quantity)) / Number(milliValue(div));
  return String(Math.ceil(value));
}

/** `$(VAR)` references expanded as the kubelet expands env values, command and args. */
export function expandReferences(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name: string | undefined) => {
    if (match === "$$") return "$";
    return name !== undefined && name in env ? env[name]! : match;
  });
}

/** Docker-link style variables for each service of the namespace (enableServiceLinks). */
function serviceEnv(world: PodWorld, namespace: string): Record<string, string> {
  const env: Record<string, string> = {};
  const add = (name: string, ip: string, ports: { port: number; protocol?: string; name?: string }[]) => {
    const prefix = name.toUpperCase().replaceAll("-", "_");
    const first = ports[0];
    if (!first) return;
    env[`${prefix}_SERVICE_HOST`] = ip;
    env[`${prefix}_SERVICE_PORT`] = String(first.port);
    for (const p of ports)
      if (p.name) env[`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replaceAll("-", "_")}`] = String(p.port);
    const proto = (first.protocol ?? "TCP").toLowerCase();
    env[`${prefix}_PORT`] = `${proto}://${ip}:${first.port}`;
    for (const p of ports) {
      const pp = (p.protocol ?? "TCP").toLowerCase();
      const base = `${prefix}_PORT_${p.port}_${pp.toUpperCase()}`;
      env[base] = `${pp}://${ip}:${p.port}`;
      env[`${base}_PROTO`] = pp;
      env[`${base}_PORT`] = String(p.port);
      env[`${base}_ADDR`] = ip;
    }
  };
  for (const svc of world.services) {
    const spec = svc.spec as {
      clusterIP?: string;
      ports?: { port: number; protocol?: string; name?: string }[];
    };
    if (!spec.clusterIP || spec.clusterIP === "None") continue;
    add(svc.metadata.name ?? "", spec.clusterIP, spec.ports ?? []);
  }
  if (namespace !== "default" || !world.services.some((s) => s.metadata.name === "kubernetes")) {
    add("kubernetes", world.apiServerIp, [{ port: 443, protocol: "TCP", name: "https" }]);
  }
  return env;
}

/**
 * The value of a secretKeyRef/configMapKeyRef env var; undefined (skip the variable) when the
 * reference is optional and its object or key is missing, the kubelet's error when it is not.
 */
function keyRefValue(
  ref: KeyRef,
  kind: "Secret" | "ConfigMap",
  objects: Map<string, KubeObject>,
  readKey: (obj: KubeObject, key: string) => string | undefined,
  namespace: string,
): Resolution<string | undefined> {
  const obj = objects.get(ref.name ?? "");
  if (!obj) {
    if (ref.optional) return { ok: true, value: undefined };
    return { ok: false, message: `${kind.toLowerCase()} "${ref.name}" not found` };
  }
  const value = readKey(obj, ref.key);
  if (value === undefined && !ref.optional)
    return { ok: false, message: `couldn't find key ${ref.key} in ${kind} ${namespace}/${ref.name}` };
  return { ok: true, value };
}

/** The environment of one container, or the CreateContainerConfigError message. */
export function resolveEnv(
  pod: KubeObject,
  container: ContainerSpec,
  world: PodWorld,
): Resolution<Record<string, string>> {
  const namespace = pod.metadata.namespace ?? "default";
  const env: Record<string, string> = {
    PATH: "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    HOSTNAME: podSpecOf(pod).hostname ?? pod.metadata.name ?? "",
    ...serviceEnv(world, namespace),
  };
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const cm = world.configMaps.get(from.configMapRef.name ?? "");
      if (!cm) {
        if (from.configMapRef.optional) continue;
        return { ok: false, message: `configmap "${from.configMapRef.name}" not found` };
      }
      for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) env[prefix + k] = v;
    }
    if (from.secretRef) {
      const secret = world.secrets.get(from.secretRef.name ?? "");
      if (!secret) {
        if (from.secretRef.optional) continue;
        return { ok: false, message: `secret "${from.secretRef.name}" not found` };
      }
      for (const k of Object.keys((secret.data ?? {}) as Record<string, string>))
        env[prefix + k] = secretValue(secret, k) ?? "";
    }
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      env[variable.name] = expandReferences(variable.value ?? "", env);
      continue;
    }
    const keyRef = from.secretKeyRef
      ? keyRefValue(from.secretKeyRef, "Secret", world.secrets, secretValue, namespace)
      : from.configMapKeyRef
        ? keyRefValue(from.configMapKeyRef, "ConfigMap", world.configMaps, configMapValue, namespace)
        : undefined;
    if (keyRef) {
      if (!keyRef.ok) return keyRef;
      if (keyRef.value !== undefined) env[variable.name] = keyRef.value;
    } else if (from.fieldRef) {
      env[variable.name] = podField(pod, from.fieldRef.fieldPath);
    } else if (from.resourceFieldRef) {
      const spec = podSpecOf(pod);
      const target =
        [...spec.containers, ...(spec.initContainers ?? [])].find(
          (c) => c.name === (from.resourceFieldRef?.containerName || container.name),
        ) ?? container;
      env[variable.name] = resourceField(
        target,
        from.resourceFieldRef.resource,
        from.resourceFieldRef.divisor,
      );
    }
  }
  return { ok: true, value: env };
}

/** Files per volume (relative path → content); a missing source is the FailedMount message. */
export function resolveVolumes(
  pod: KubeObject,
  world: PodWorld,
  caPem: string | undefined,
): Resolution<Map<string, Record<string, string>>> {
  const volumes = new Map<string, Record<string, string>>();
  const namespace = pod.metadata.namespace ?? "default";
  /** The files of a configMap or secret volume source, named `name`. */
  const fromKeys = (
    kind: "configmap" | "secret",
    name: string,
    { optional, items }: { optional?: boolean; items?: KeyToPath[] },
    volume: string,
  ): Resolution<Record<string, string>> => {
    const obj = (kind === "secret" ? world.secrets : world.configMaps).get(name);
    if (!obj) {
      if (optional) return { ok: true, value: {} };
      return {
        ok: false,
        message: `MountVolume.SetUp failed for volume "${volume}" : ${kind} "${name}" not found`,
      };
    }
    const read = (key: string) => (kind === "secret" ? secretValue(obj, key) : configMapValue(obj, key));
    const keys = Object.keys({ ...((obj.data ?? {}) as object), ...((obj.binaryData ?? {}) as object) });
    const files: Record<string, string> = {};
    const wanted = items ?? keys.map((key) => ({ key, path: key }));
    for (const item of wanted) {
      const value = read(item.key);
      if (value === undefined) {
        if (optional) continue;
        return {
          ok: false,
          message: `MountVolume.SetUp failed for volume "${volume}" : ${kind} references non-existent ${kind === "secret" ? "secret" : "config"} key: ${item.key}`,
        };
      }
      files[item.path] = value;
    }
    return { ok: true, value: files };
  };
  for (const v of podSpecOf(pod).volumes ?? []) {
    const claimName = v.persistentVolumeClaim?.claimName;
    if (claimName !== undefined) {
      const claim = world.claims.get(claimName);
      if (!claim) return { ok: false, message: `persistentvolumeclaim "${claimName}" not found` };
      // Provisioning and binding follow the pod's scheduling by a moment: the mount waits for them.
      if ((claim.status as { phase?: string } | undefined)?.phase !== "Bound")
        return { ok: false, message: `persistentvolumeclaim "${claimName}" is not bound`, quiet: true };
    }
    let files: Record<string, string> = {};
    const keyedFiles = (
      configMap: (NamedRef & { items?: KeyToPath[] }) | undefined,
      secret: (NamedRef & { items?: KeyToPath[] }) | undefined,
    ) =>
      configMap
        ? fromKeys("configmap", configMap.name ?? "", configMap, v.name)
        : secret
          ? fromKeys("secret", secret.name ?? "", secret, v.name)
          : undefined;
    const downwardFiles = (items: DownwardItem[] | undefined) => {
      for (const item of items ?? [])
        if (item.fieldRef) files[item.path] = podField(pod, item.fieldRef.fieldPath);
    };
    const keyed = keyedFiles(
      v.configMap,
      v.secret && { name: v.secret.secretName, optional: v.secret.optional, items: v.secret.items },
    );
    if (keyed) {
      if (!keyed.ok) return keyed;
      files = keyed.value;
    } else if (v.downwardAPI) {
      downwardFiles(v.downwardAPI.items);
    } else if (v.projected) {
      for (const source of v.projected.sources ?? []) {
        const keyed = keyedFiles(source.configMap, source.secret);
        if (keyed) {
          if (!keyed.ok) return keyed;
          Object.assign(files, keyed.value);
        } else if (source.downwardAPI) {
          downwardFiles(source.downwardAPI.items);
        } else if (source.serviceAccountToken) {
          files[source.serviceAccountToken.path] = simulatedToken(pod);
        }
      }
      // The kube-root-ca.crt ConfigMap is read like any other; when the world lacks it, use the CA.
      if (files["ca.crt"] === undefined && caPem && v.name.startsWith("kube-api-access-"))
        files["ca.crt"] = caPem;
      if (v.name.startsWith("kube-api-access-") && files.namespace === undefined) files.namespace = namespace;
    }
    volumes.set(v.name, files);
  }
  return { ok: true, value: volumes };
}

/** The files one container sees: its volume mounts laid out under their mount paths. */
export function containerFiles(
  container: ContainerSpec,
  volumes: Map<string, Record<string, string>>,
): Record<string, string> {
  const files: Record<string, string> = {};
  for (const mount of container.volumeMounts ?? []) {
    const content = volumes.get(mount.name) ?? {};
    const base = mount.mountPath.replace(/\/+$/, "");
    for (const [path, value] of Object.entries(content)) {
      if (mount.subPath) {
        if (path === mount.subPath) files[base] = value;
        else if (path.startsWith(`${mount.subPath}/`))
          files[`${base}/${path.slice(mount.subPath.length + 1)}`] = value;
        continue;
      }
      files[`${base}/${path}`] = value;
    }
  }
  return files;
}

/** A bound service account token, shaped like one (header.payload.signature) but signing nothing. */
function simulatedToken(pod: KubeObject): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const sub = `system:serviceaccount:${pod.metadata.namespace}:${podSpecOf(pod).serviceAccountName ?? "default"}`;
  return `${part({ alg: "RS256", kid: "sandcastle" })}.${part({ aud: ["https://kubernetes.default.svc.cluster.local"], iss: "https://kubernetes.default.svc.cluster.local", sub })}.${Buffer.from(pod.metadata.uid ?? "").toString("base64url")}`;
}

/** Everything one container needs to start, or why it cannot. */
export interface ResolvedContainer {
  env: Record<string, string>;
  files: Record<string, string>;
  command?: string[];
  args?: string[];
}

export function resolveContainer(
  pod: KubeObject,
  container: ContainerSpec,
  world: PodWorld,
  volumes: Map<string, Record<string, string>>,
): Resolution<ResolvedContainer> {
  const env = resolveEnv(pod, container, world);
  if (!env.ok) return env;
  const expand = (list: string[] | undefined) => list?.map((s) => expandReferences(s, env.value));
  return {
    ok: true,
    value: {
      env: env.value,
      files: containerFiles(container, volumes),
      ...(container.command ? { command: expand(container.command) } : {}),
      ...(container.args ? { args: expand(container.args) } : {}),
    },
  };
}
