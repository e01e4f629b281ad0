/**
 * The tag of a container image reference, as parsers.ParseImageName reads it (docker reference
 * grammar): an untagged, undigested image means `latest`; an unparsable one has no tag at all.
 */

const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?`;
const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);

/** "latest", the explicit tag, or "" when the image is pinned by digest only or does not parse. */
function imageTag(image: string): string {
  const match = REFERENCE.exec(image);
  if (!match) return "";
  const [, tag = "", digest = ""] = match;
  if (tag) return tag;
  return digest ? "" : "latest";
}

/** SetDefaults_Container: Always for `:latest` (or no tag), IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): "Always" | "IfNotPresent" {
  return imageTag(image) === "latest" ? "Always" : "IfNotPresent";
}
