/**
 * Writes `../schema-data.ts`: the protobuf field table the decoder walks, for every message reachable
 * from the kinds listed in ROOTS.
 *
 * Usage (checkouts of k8s.io/api and k8s.io/apimachinery at the release the simulator reports, e.g.
 * `git archive release-1.32 | tar -x -C /tmp/k8s/api`):
 *
 *   node --import tsx apps/api/src/kube/protobuf/scripts/generate-schema.ts /tmp/k8s/api /tmp/k8s/apimachinery
 *   npx biome check --write apps/api/src/kube/protobuf/schema-data.ts
 *
 * Two upstream sources are joined because neither is enough alone: `generated.proto` gives field
 * numbers and wire types; the Go structs in `types.go` give what the JSON looks like (json name,
 * omitempty/omitzero, pointer or value, embedded-and-inlined). Nothing upstream is copied: the output
 * is only the facts the decoder needs.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Kinds whose bodies the decoder accepts, by apiVersion and package directory (relative to k8s.io/api). */
const ROOTS: ReadonlyArray<{ apiVersion: string; dir: string; kinds: string[] }> = [
  {
    apiVersion: "v1",
    dir: "core/v1",
    kinds: [
      "Namespace",
      "ConfigMap",
      "Secret",
      "Service",
      "ServiceAccount",
      "Pod",
      "Binding",
      "ResourceQuota",
      "LimitRange",
      "PersistentVolumeClaim",
      "Endpoints",
      "Event",
      "ReplicationController",
      "PodTemplate",
    ],
  },
  {
    apiVersion: "apps/v1",
    dir: "apps/v1",
    kinds: ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision"],
  },
  { apiVersion: "batch/v1", dir: "batch/v1", kinds: ["Job", "CronJob"] },
  { apiVersion: "autoscaling/v1", dir: "autoscaling/v1", kinds: ["Scale", "HorizontalPodAutoscaler"] },
  { apiVersion: "autoscaling/v2", dir: "autoscaling/v2", kinds: ["HorizontalPodAutoscaler"] },
  { apiVersion: "policy/v1", dir: "policy/v1", kinds: ["Eviction", "PodDisruptionBudget"] },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    dir: "rbac/v1",
    kinds: ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"],
  },
  {
    apiVersion: "networking.k8s.io/v1",
    dir: "networking/v1",
    kinds: ["Ingress", "IngressClass", "NetworkPolicy"],
  },
  { apiVersion: "scheduling.k8s.io/v1", dir: "scheduling/v1", kinds: ["PriorityClass"] },
  {
    apiVersion: "authorization.k8s.io/v1",
    dir: "authorization/v1",
    kinds: [
      "SelfSubjectAccessReview",
      "SelfSubjectRulesReview",
      "SubjectAccessReview",
      "LocalSubjectAccessReview",
    ],
  },
  {
    apiVersion: "authentication.k8s.io/v1",
    dir: "authentication/v1",
    kinds: ["TokenReview", "TokenRequest", "SelfSubjectReview"],
  },
  { apiVersion: "certificates.k8s.io/v1", dir: "certificates/v1", kinds: ["CertificateSigningRequest"] },
  { apiVersion: "coordination.k8s.io/v1", dir: "coordination/v1", kinds: ["Lease"] },
  { apiVersion: "discovery.k8s.io/v1", dir: "discovery/v1", kinds: ["EndpointSlice"] },
];

/** Messages with a hand-written JSON form (custom MarshalJSON upstream); their fields are read in code. */
const SPECIAL: Readonly<Record<string, string>> = {
  "meta.v1.Time": "time",
  "meta.v1.MicroTime": "microTime",
  "meta.v1.Duration": "duration",
  "meta.v1.FieldsV1": "fieldsV1",
  "runtime.RawExtension": "rawExtension",
  "intstr.IntOrString": "intOrString",
  "resource.Quantity": "quantity",
};

const SCALARS = new Set(["string", "bytes", "bool", "int32", "int64", "uint32", "uint64"]);

interface ProtoField {
  label: "optional" | "repeated" | "map";
  type: string;
  mapKey?: string;
  name: string;
  number: number;
}

interface GoField {
  jsonName: string;
  goType: string;
  omitEmpty: boolean;
  omitZero: boolean;
  inline: boolean;
  hidden: boolean;
}

function protoPackageId(pkg: string): string {
  const api = /^k8s\.io\.api\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(pkg);
  if (api) return `${api[1]}.${api[2]}`;
  const known: Record<string, string> = {
    "k8s.io.apimachinery.pkg.apis.meta.v1": "meta.v1",
    "k8s.io.apimachinery.pkg.runtime": "runtime",
    "k8s.io.apimachinery.pkg.runtime.schema": "schema",
    "k8s.io.apimachinery.pkg.util.intstr": "intstr",
    "k8s.io.apimachinery.pkg.api.resource": "resource",
  };
  const id = known[pkg];
  if (!id) throw new Error(`unknown proto package ${pkg}`);
  return id;
}

function packageDir(id: string, apiRoot: string, machineryRoot: string): string {
  const machinery: Record<string, string> = {
    "meta.v1": "pkg/apis/meta/v1",
    runtime: "pkg/runtime",
    schema: "pkg/runtime/schema",
    intstr: "pkg/util/intstr",
    resource: "pkg/api/resource",
  };
  const sub = machinery[id];
  return sub ? join(machineryRoot, sub) : join(apiRoot, id.replace(".", "/"));
}

/** message name → fields, from one generated.proto (k8s protos have no nested messages or oneofs). */
function parseProto(text: string): { pkg: string; messages: Map<string, ProtoField[]> } {
  const src = text.replace(/\/\/[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(src)?.[1];
  if (!pkg) throw new Error("proto without package");
  const messages = new Map<string, ProtoField[]>();
  for (const m of src.matchAll(/\bmessage\s+(\w+)\s*\{([^{}]*)\}/g)) {
    const fields: ProtoField[] = [];
    for (const stmt of (m[2] ?? "").split(";")) {
      const s = stmt.trim();
      if (!s) continue;
      const map = /^map\s*<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)$/.exec(s);
      if (map) {
        fields.push({ label: "map", mapKey: map[1]!, type: map[2]!, name: map[3]!, number: Number(map[4]) });
        continue;
      }
      const f = /^(optional|repeated|required)\s+([\w.]+)\s+(\w+)\s*=\s*(\d+)$/.exec(s);
      if (!f) throw new Error(`cannot parse proto field "${s}" in ${m[1]}`);
      const label = f[1] === "repeated" ? "repeated" : "optional";
      fields.push({ label, type: f[2]!, name: f[3]!, number: Number(f[4]) });
    }
    messages.set(m[1]!, fields);
  }
  return { pkg, messages };
}

/** struct name → protobuf field number → Go field facts, from every hand-written .go file of a package. */
function parseGoStructs(dir: string): Map<string, Map<number, GoField>> {
  const structs = new Map<string, Map<number, GoField>>();
  const files = readdirSync(dir).filter(
    (f) =>
      f.endsWith(".go") &&
      !f.endsWith("_test.go") &&
      !f.startsWith("zz_generated") &&
      !f.includes("generated"),
  );
  for (const file of files) {
    const text = readFileSync(join(dir, file), "utf8");
    for (const m of text.matchAll(/^type (\w+) struct \{\n([\s\S]*?)^\}/gm)) {
      const fields = new Map<number, GoField>();
      for (const raw of (m[2] ?? "").split("\n")) {
        const line = raw.trim();
        if (!line || line.startsWith("//")) continue;
        const tagged = /^(.*?)\s*`([^`]*)`/.exec(line);
        if (!tagged) continue;
        const decl = (tagged[1] ?? "").split(/\s+/);
        const tags = new Map([...(tagged[2] ?? "").matchAll(/(\w+):"([^"]*)"/g)].map((t) => [t[1]!, t[2]!]));
        const pb = tags.get("protobuf");
        if (!pb || pb === "-") continue;
        const number = Number(pb.split(",")[1]);
        const [jsonName = "", ...opts] = (tags.get("json") ?? "").split(",");
        const embedded = decl.length === 1;
        const goType = embedded ? decl[0]! : decl[1]!;
        fields.set(number, {
          jsonName: jsonName || (embedded ? "" : decl[0]!),
          goType,
          omitEmpty: opts.includes("omitempty"),
          omitZero: opts.includes("omitzero"),
          inline: embedded && jsonName === "",
          hidden: jsonName === "-",
        });
      }
      structs.set(m[1]!, fields);
    }
  }
  return structs;
}

function main(): void {
  const [apiRoot, machineryRoot] = process.argv.slice(2);
  if (!apiRoot || !machineryRoot)
    throw new Error("usage: generate-schema.ts <k8s.io/api dir> <k8s.io/apimachinery dir>");

  const protoCache = new Map<
    string,
    { messages: Map<string, ProtoField[]>; structs: Map<string, Map<number, GoField>> }
  >();
  const loadPackage = (id: string) => {
    let pkg = protoCache.get(id);
    if (!pkg) {
      const dir = packageDir(id, apiRoot, machineryRoot);
      const proto = parseProto(readFileSync(join(dir, "generated.proto"), "utf8"));
      if (protoPackageId(proto.pkg) !== id) throw new Error(`${dir}: package ${proto.pkg} is not ${id}`);
      pkg = { messages: proto.messages, structs: parseGoStructs(dir) };
      protoCache.set(id, pkg);
    }
    return pkg;
  };
  const resolve = (type: string, fromPkg: string): string => {
    if (SCALARS.has(type)) return type;
    if (type.startsWith(".")) {
      const dot = type.lastIndexOf(".");
      return `${protoPackageId(type.slice(1, dot))}.${type.slice(dot + 1)}`;
    }
    if (type.includes(".")) throw new Error(`unqualified cross-package type ${type}`);
    return `${fromPkg}.${type}`;
  };

  const kinds: Record<string, string> = {};
  const queue: string[] = [];
  for (const root of ROOTS) {
    for (const kind of root.kinds) {
      kinds[`${root.apiVersion}/${kind}`] = `${root.dir.replace("/", ".")}.${kind}`;
      queue.push(`${root.dir.replace("/", ".")}.${kind}`);
    }
    // DeleteOptions is registered in every group version (metav1.AddToGroupVersion), so clients send it
    // under whichever group they are deleting from.
    kinds[`${root.apiVersion}/DeleteOptions`] = "meta.v1.DeleteOptions";
  }
  kinds["meta.k8s.io/v1/DeleteOptions"] = "meta.v1.DeleteOptions";
  queue.push("meta.v1.DeleteOptions");

  const messages = new Map<string, string[]>();
  const specials = new Map<string, string>();
  const seen = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const special = SPECIAL[id];
    if (special) {
      specials.set(id, special);
      continue;
    }
    const dot = id.lastIndexOf(".");
    const pkgId = id.slice(0, dot);
    const name = id.slice(dot + 1);
    const pkg = loadPackage(pkgId);
    const protoFields = pkg.messages.get(name);
    if (!protoFields) throw new Error(`no proto message ${id}`);
    const goFields = pkg.structs.get(name);
    if (!goFields) {
      // Named slice types (`type ExtraValue []string`) travel as a message with one repeated field.
      const only = protoFields[0];
      if (
        protoFields.length === 1 &&
        only?.label === "repeated" &&
        only.type === "string" &&
        only.name === "items"
      ) {
        specials.set(id, "stringList");
        continue;
      }
      throw new Error(`no Go struct for ${id}`);
    }
    const rows: string[] = [];
    for (const pf of protoFields) {
      const gf = goFields.get(pf.number);
      if (!gf) throw new Error(`${id}: proto field ${pf.name}=${pf.number} has no Go field`);
      if (gf.hidden) continue;
      const type = resolve(pf.type, pkgId);
      if (!SCALARS.has(type)) queue.push(type);
      const goRepeated = gf.goType.startsWith("[]") && gf.goType !== "[]byte";
      if (goRepeated !== (pf.label === "repeated"))
        throw new Error(`${id}.${pf.name}: Go ${gf.goType} vs proto ${pf.label}`);
      if (gf.omitZero && !(type === "meta.v1.Time" || type === "meta.v1.MicroTime" || SCALARS.has(type))) {
        throw new Error(`${id}.${pf.name}: omitzero on ${type} is not handled by the decoder`);
      }
      const typeText = pf.label === "map" ? `map<${resolve(pf.mapKey!, pkgId)},${type}>` : type;
      let flags = "";
      if (pf.label === "repeated") flags += "r";
      if (gf.goType.startsWith("*")) flags += "p";
      if (gf.omitEmpty) flags += "o";
      if (gf.omitZero) flags += "z";
      if (gf.inline) flags += "i";
      rows.push(
        `[${pf.number}, ${JSON.stringify(gf.jsonName)}, ${JSON.stringify(typeText)}, ${JSON.stringify(flags)}]`,
      );
    }
    messages.set(id, rows);
  }

  const sortedIds = [...messages.keys()].sort();
  const out: string[] = [
    "// Generated by scripts/generate-schema.ts from k8s.io/api and k8s.io/apimachinery (release-1.32).",
    "// Do not edit by hand: change ROOTS in the generator and run it again.",
    'import type { FieldRow, SpecialMessage } from "./schema-types.ts";',
    "",
    "/** `<apiVersion>/<kind>` → message id of the object's protobuf message. */",
    "export const KIND_MESSAGES: Readonly<Record<string, string>> = {",
    ...Object.keys(kinds)
      .sort()
      .map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(kinds[k])},`),
    "};",
    "",
    "/** Messages whose JSON form is hand-written in the decoder (custom MarshalJSON upstream). */",
    "export const SPECIAL_MESSAGES: Readonly<Record<string, SpecialMessage>> = {",
    ...[...specials.keys()].sort().map((k) => `  ${JSON.stringify(k)}: ${JSON.stringify(specials.get(k))},`),
    "};",
    "",
    "/**",
    " * message id → fields in Go struct order: [number, json name, type, flags]. Flags: r repeated,",
    " * p Go pointer, o omitempty, z omitzero, i embedded struct inlined into the parent's JSON.",
    " */",
    "export const MESSAGE_FIELDS: Readonly<Record<string, readonly FieldRow[]>> = {",
    ...sortedIds.flatMap((id) => [
      `  ${JSON.stringify(id)}: [`,
      ...(messages.get(id) ?? []).map((r) => `    ${r},`),
      "  ],",
    ]),
    "};",
    "",
  ];
  const target = join(dirname(fileURLToPath(import.meta.url)), "..", "schema-data.ts");
  writeFileSync(target, out.join("\n"));
  console.log(
    `wrote ${sortedIds.length} messages, ${specials.size} special, ${Object.keys(kinds).length} kinds to ${target}`,
  );
}

main();
