import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "./logger.ts";

/**
 * The key that seals Secret data at rest: SECRETS_KEY, or one generated once and kept beside the
 * data (DATA_DIR or ~/.sandcastle) — fine for one machine, so it warns: replicas on several machines
 * must share SECRETS_KEY.
 */
export async function loadSecretsKey(config: Config, log: Logger): Promise<Buffer> {
  if (config.secretsKey) {
    const key = Buffer.from(config.secretsKey, "base64");
    if (key.length !== 32) throw new Error("SECRETS_KEY must be the base64 encoding of 32 bytes");
    return key;
  }
  const file = join(config.dataDir ?? join(homedir(), ".sandcastle"), "secrets.key");
  try {
    return Buffer.from((await readFile(file, "utf8")).trim(), "base64");
  } catch {
    const key = randomBytes(32);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" }).catch(async () => {
      // Another process created it first: use theirs.
      key.set(Buffer.from((await readFile(file, "utf8")).trim(), "base64"));
    });
    log.warn(
      `SECRETS_KEY is not set: Secret data is encrypted with a key generated in ${file}; set SECRETS_KEY to share one key between machines`,
    );
    return key;
  }
}
