/** validation.IsConfigMapKey (apimachinery, release-1.32): ConfigMap, Secret and key-selector keys. */
const CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+";
const CONFIG_KEY_RE = new RegExp(`^${CONFIG_KEY_FMT}$`);
const CONFIG_KEY_MSG =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/** The problems with a config key, empty when valid. */
export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (Buffer.byteLength(key, "utf8") > 253) errs.push("must be no more than 253 characters");
  if (!CONFIG_KEY_RE.test(key)) errs.push(CONFIG_KEY_MSG);
  if (key === ".") errs.push("must not be '.'");
  else if (key === "..") errs.push("must not be '..'");
  else if (key.startsWith("..")) errs.push("must not start with '..'");
  return errs;
}
