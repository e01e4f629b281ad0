import { RESOURCES } from "./resources.ts";
import type { ResourceDefinition } from "./types.ts";

export interface GroupVersions {
  group: string;
  /** Served versions, preferred first. */
  versions: string[];
}

const byGvr = new Map(RESOURCES.map((r) => [`${r.group}/${r.version}/${r.resource}`, r]));

/** The resource served at /api(s)/<group>/<version>/<resource>. */
export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceDefinition | undefined {
  return byGvr.get(`${group}/${version}/${resource}`);
}

/** Served resources of one group-version, in discovery order. */
export function resourcesOf(group: string, version: string): ResourceDefinition[] {
  return RESOURCES.filter((r) => r.group === group && r.version === version);
}

/** Groups and their versions, the preferred version first (autoscaling: v2 before v1). */
export function servedGroups(): GroupVersions[] {
  const groups: GroupVersions[] = [];
  for (const r of RESOURCES) {
    let g = groups.find((x) => x.group === r.group);
    if (!g) {
      g = { group: r.group, versions: [] };
      groups.push(g);
    }
    if (!g.versions.includes(r.version)) g.versions.push(r.version);
  }
  return groups;
}

/** The storage-version definition of a stored resource (what controllers read and write). */
export function storageDefinition(group: string, resource: string): ResourceDefinition | undefined {
  return RESOURCES.find(
    (r) =>
      r.storage.group === group &&
      r.storage.resource === resource &&
      r.storage.version === r.version &&
      r.group === group,
  );
}
