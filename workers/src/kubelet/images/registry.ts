import { createHash } from "node:crypto";
import type { PullResult } from "../program-types.ts";
import {
  type CatalogImage,
  catalogImage,
  catalogRepositories,
  isOtherOfficialImage,
  type Userland,
} from "./catalog.ts";
import {
  canonicalReference,
  type ImageReference,
  invalidImageNameMessage,
  parseNormalizedNamed,
} from "./reference.ts";
import { resolveTag, type TagMatch } from "./tags.ts";

/**
 * The simulated registry: which references pull, how big they are and how containerd words the
 * refusals (containerd CRI PullImage → docker resolver errors, as the kubelet shows them).
 */

/** A pullable image and, when the catalog describes it, what it is. */
export interface ResolvedImage {
  reference: string;
  digest: string;
  sizeBytes: number;
  userland: Userland;
  known?: { image: CatalogImage; version: string; variant?: string };
}

export type ImageResolution =
  | { ok: true; image: ResolvedImage }
  | { ok: false; reason: "ErrImagePull" | "InvalidImageName"; message: string };

const MB = 1024 * 1024;
/** Registry round trips before the first byte, and throughput after (a fast CI runner's pull). */
const PULL_OVERHEAD_MS = 400;
const PULL_MS_PER_MB = 12;
const MIN_PULL_MS = 500;
const MAX_PULL_MS = 3000;

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function notFound(reference: string): string {
  return (
    `rpc error: code = NotFound desc = failed to pull and unpack image "${reference}": ` +
    `failed to resolve reference "${reference}": ${reference}: not found`
  );
}

function accessDenied(reference: string): string {
  return (
    `rpc error: code = Unknown desc = failed to pull and unpack image "${reference}": ` +
    `failed to resolve reference "${reference}": pull access denied, repository does not exist or may ` +
    "require authorization: server message: insufficient_scope: authorization failed"
  );
}

/** Optimal string alignment distance: a transposition (`ngnix`) is one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * cols + j]! + 1,
        d[i * cols + j - 1]! + 1,
        d[(i - 1) * cols + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/** A repository one or two keystrokes away from a catalog image is a typo: the registry has no such repository. */
function isNearMiss(repository: string): boolean {
  const slash = repository.indexOf("/");
  const domain = repository.slice(0, slash);
  const path = repository.slice(slash + 1);
  return catalogRepositories().some((known) => {
    if (!known.startsWith(`${domain}/`)) return false;
    const knownPath = known.slice(domain.length + 1);
    const name = knownPath.slice(knownPath.lastIndexOf("/") + 1);
    const allowed = name.length <= 4 ? 1 : 2;
    return editDistance(path, knownPath) <= allowed;
  });
}

function pullMs(sizeBytes: number): number {
  const ms = PULL_OVERHEAD_MS + (sizeBytes / MB) * PULL_MS_PER_MB;
  return Math.round(Math.min(MAX_PULL_MS, Math.max(MIN_PULL_MS, ms)));
}

/** Users' own images: a stable, plausible size from the repository name. */
function derivedSizeBytes(repository: string): number {
  const n = Number.parseInt(sha256(repository).slice(0, 8), 16);
  return 20 * MB + (n % (280 * MB));
}

function resolveKnown(image: CatalogImage, ref: ImageReference, reference: string): ImageResolution {
  const digest = ref.digest ?? `sha256:${sha256(reference)}`;
  // A digest names content, not a tag: accept it (the catalog does not list real digests).
  const byDigest: TagMatch | undefined = ref.digest
    ? { version: image.aliases["latest"] ?? Object.values(image.releases)[0] ?? "" }
    : undefined;
  const tagged = byDigest ?? resolveTag(image, ref.tag ?? "latest");
  if (!tagged) return { ok: false, reason: "ErrImagePull", message: notFound(reference) };
  const variant = tagged.variant ? image.variants[tagged.variant] : undefined;
  return {
    ok: true,
    image: {
      reference,
      digest,
      sizeBytes: Math.round((variant?.sizeMB ?? image.sizeMB) * MB),
      userland: variant?.userland ?? image.userland,
      known: { image, version: tagged.version, ...(tagged.variant ? { variant: tagged.variant } : {}) },
    },
  };
}

/** Parses, normalizes and looks up an image as the kubelet and containerd would before running it. */
export function resolveImage(image: string): ImageResolution {
  const parsed = parseNormalizedNamed(image);
  if (!parsed.ok) {
    return { ok: false, reason: "InvalidImageName", message: invalidImageNameMessage(image, parsed.error) };
  }
  const ref = parsed.ref;
  const reference = canonicalReference(ref);
  const repository = `${ref.domain}/${ref.path}`;
  const known = catalogImage(repository);
  if (known) return resolveKnown(known, ref, reference);
  if (!isOtherOfficialImage(repository) && isNearMiss(repository)) {
    return { ok: false, reason: "ErrImagePull", message: accessDenied(reference) };
  }
  return {
    ok: true,
    image: {
      reference,
      digest: ref.digest ?? `sha256:${sha256(reference)}`,
      sizeBytes: derivedSizeBytes(repository),
      userland: "debian",
    },
  };
}

/** The outcome of pulling `image` (as written in the pod spec) from the simulated registry. */
export function pullImage(image: string): PullResult {
  const resolved = resolveImage(image);
  if (!resolved.ok) return resolved;
  const { reference, digest, sizeBytes } = resolved.image;
  return { ok: true, reference, digest, sizeBytes, pullMs: pullMs(sizeBytes) };
}
