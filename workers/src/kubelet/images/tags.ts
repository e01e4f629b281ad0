import type { CatalogImage } from "./catalog.ts";

/** What a tag of a catalog image stands for. */
export interface TagMatch {
  version: string;
  variant?: string;
}

const NUMERIC_VERSION = /^\d+(\.\d+)*$/;

function components(version: string): number[] {
  return version.split(".").map(Number);
}

/** `tag` names a patch release at or before the newest of its series (`1.25.3` when 1.25.5 is out). */
function patchRelease(image: CatalogImage, tag: string): string | undefined {
  if (!NUMERIC_VERSION.test(tag)) return undefined;
  const wanted = components(tag);
  for (const [series, newest] of Object.entries(image.releases)) {
    if (!tag.startsWith(`${series}.`)) continue;
    const latest = components(newest);
    if (wanted.length > latest.length) continue;
    let older = true;
    for (let i = 0; i < wanted.length; i++) {
      const a = wanted[i]!;
      const b = latest[i]!;
      if (a !== b) {
        older = a < b;
        break;
      }
    }
    if (!older) continue;
    // `23.4` of a series whose newest is 23.4.0 is that release; `23.3` is 23.3.0.
    if (newest.startsWith(`${tag}.`)) return newest;
    return [...wanted, ...Array(latest.length - wanted.length).fill(0)].join(".");
  }
  return undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * A numeric tag newer than the catalog knows, but within what upstream has plausibly released since
 * the catalog was written (a few minors, or for fast-moving majors a major or two): it exists. A
 * learner following a newer tutorial must not get ErrImagePull for a real tag; `nginx:1.999` still
 * does not exist.
 */
function futureRelease(image: CatalogImage, tag: string): string | undefined {
  if (!NUMERIC_VERSION.test(tag)) return undefined;
  const wanted = components(tag);
  if (wanted.some((n) => n >= 100)) return undefined;
  const newest = Object.values(image.releases).map(components).sort(compareVersions).at(-1);
  if (!newest || compareVersions(wanted, newest) <= 0) return undefined;
  const [major = 0, minor = 0] = wanted;
  const [newestMajor = 0, newestMinor = 0] = newest;
  const plausible =
    (major === newestMajor && minor - newestMinor <= 4) ||
    (newestMajor >= 5 && major > newestMajor && major - newestMajor <= 2 && minor <= 5);
  return plausible ? tag : undefined;
}

function versionOf(image: CatalogImage, tag: string): string | undefined {
  return image.aliases[tag] ?? image.releases[tag] ?? patchRelease(image, tag) ?? futureRelease(image, tag);
}

/** `alpine`, or `alpine3.20` for the variant `alpine`. */
function variantOf(image: CatalogImage, text: string): string | undefined {
  for (const variant of Object.keys(image.variants)) {
    if (text === variant) return variant;
    if (text.startsWith(variant) && /^[\d.]+$/.test(text.slice(variant.length))) return variant;
  }
  return undefined;
}

/**
 * Resolves a tag the way Docker Hub's tag lists read: a floating alias (`latest`, `lts`), a release
 * series (`1.27`), any patch up to the newest (`1.27.1`), each optionally followed by `-variant`, or a
 * variant alone for the latest release (`alpine`). Undefined: the registry answers "not found".
 */
export function resolveTag(image: CatalogImage, rawTag: string): TagMatch | undefined {
  const tag = image.vPrefix && /^v\d/.test(rawTag) ? rawTag.slice(1) : rawTag;
  const direct = versionOf(image, tag);
  if (direct) return { version: direct };
  const latest = image.aliases["latest"];
  const alone = variantOf(image, tag);
  if (alone && latest) return { version: latest, variant: alone };
  for (let dash = tag.indexOf("-"); dash > 0; dash = tag.indexOf("-", dash + 1)) {
    // `latest` never takes a suffix (`alpine` alone is the latest alpine).
    const head = tag.slice(0, dash);
    const version = head === "latest" ? undefined : versionOf(image, head);
    const variant = version ? variantOf(image, tag.slice(dash + 1)) : undefined;
    if (version && variant) return { version, variant };
  }
  return undefined;
}
