/**
 * Image references parsed the way the kubelet and containerd parse them
 * (github.com/distribution/reference: ParseNormalizedNamed, splitDockerDomain, the reference grammar
 * and go-digest's validation), so a pod spec's `image` fails or normalizes exactly as on a real node.
 */

export interface ImageReference {
  /** `docker.io`, `ghcr.io`, `localhost:5000` … */
  domain: string;
  /** `library/nginx`, `bitnami/redis` … */
  path: string;
  tag?: string;
  digest?: string;
}

const ALNUM = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|[-]+)";
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN_AND_PORT = `${HOST}(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const NAME = `(?:(${DOMAIN_AND_PORT})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)`;
const REFERENCE = new RegExp(`^${NAME}(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const IDENTIFIER = /^[a-f0-9]{64}$/;
const MAX_PATH_LENGTH = 255;
/** Hex length each registered digest algorithm requires (go-digest). */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

type ParseResult = { ok: true; ref: ImageReference } | { ok: false; error: string };

/** The "familiar" name completed with Docker Hub's domain and `library/` namespace. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const slash = name.indexOf("/");
  if (slash < 0) return { domain: "docker.io", remainder: `library/${name}` };
  const maybeDomain = name.slice(0, slash);
  const maybeRemainder = name.slice(slash + 1);
  let domain = "docker.io";
  let remainder = name;
  if (
    maybeDomain === "localhost" ||
    /[.:]/.test(maybeDomain) ||
    maybeDomain.toLowerCase() !== maybeDomain ||
    maybeDomain === "index.docker.io"
  ) {
    domain = maybeDomain === "index.docker.io" ? "docker.io" : maybeDomain;
    remainder = maybeRemainder;
  }
  if (domain === "docker.io" && !remainder.includes("/")) remainder = `library/${remainder}`;
  return { domain, remainder };
}

function validateDigest(digest: string): string | undefined {
  const [algorithm = "", hex = ""] = digest.split(":");
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) return "unsupported digest algorithm";
  if (hex.length !== length) return "invalid checksum digest length";
  if (!/^[a-f0-9]+$/.test(hex)) return "invalid checksum digest format";
  return undefined;
}

/** distribution/reference ParseNormalizedNamed, with its error texts. */
export function parseNormalizedNamed(image: string): ParseResult {
  if (IDENTIFIER.test(image)) {
    return {
      ok: false,
      error: `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`,
    };
  }
  const { domain, remainder } = splitDockerDomain(image);
  const tagSep = remainder.indexOf(":");
  const remote = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    return { ok: false, error: `invalid reference format: repository name (${remote}) must be lowercase` };
  }
  const full = `${domain}/${remainder}`;
  const match = full.length <= 4096 ? REFERENCE.exec(full) : null;
  if (!match) {
    const lower = full.toLowerCase();
    if (lower !== full && REFERENCE.test(lower))
      return { ok: false, error: "repository name must be lowercase" };
    return { ok: false, error: "invalid reference format" };
  }
  const [, matchedDomain = "", path = "", tag, digest] = match;
  if (path.length > MAX_PATH_LENGTH) {
    return { ok: false, error: `repository name must not be more than ${MAX_PATH_LENGTH} characters` };
  }
  if (digest) {
    const digestError = validateDigest(digest);
    if (digestError) return { ok: false, error: digestError };
  }
  return {
    ok: true,
    ref: { domain: matchedDomain, path, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) },
  };
}

/**
 * What containerd pulls (ParseDockerRef): a digest wins over a tag, and a bare name gets `latest`.
 * `docker.io/library/nginx:latest`, `docker.io/library/nginx@sha256:…`.
 */
export function canonicalReference(ref: ImageReference): string {
  const name = `${ref.domain}/${ref.path}`;
  if (ref.digest) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? "latest"}`;
}

/** The kubelet's InvalidImageName message (image_manager.go applyDefaultImageTag). */
export function invalidImageNameMessage(image: string, error: string): string {
  return `Failed to apply default image tag "${image}": couldn't parse image reference "${image}": ${error}`;
}
