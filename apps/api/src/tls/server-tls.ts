import { readFile } from "node:fs/promises";
import { eq } from "drizzle-orm";
import type { Database } from "../../../../db/client.ts";
import { settings } from "../../../../db/schema/index.ts";
import type { Config } from "../config.ts";
import { createCertificateAuthority, issueServingCertificate, type KeyPairPem } from "./certificates.ts";

export interface ServerTls {
  cert: string;
  key: string;
  /** PEM written (base64) into kubeconfigs as certificate-authority-data. */
  caPem: string;
}

const CA_SETTING = "tls.ca";

/**
 * The TLS identity of this replica. Operators may bring their own certificate; otherwise the install's
 * CA (created once, kept in Postgres so every replica shares the chain) signs a certificate for the
 * PUBLIC_URL host, 127.0.0.1, ::1 and localhost.
 */
export async function loadServerTls(db: Database, config: Config, publicUrl: string): Promise<ServerTls> {
  if (config.tlsCertFile && config.tlsKeyFile) {
    const [cert, key] = await Promise.all([
      readFile(config.tlsCertFile, "utf8"),
      readFile(config.tlsKeyFile, "utf8"),
    ]);
    return { cert, key, caPem: cert };
  }
  const ca = await loadOrCreateCa(db);
  const hosts = [
    ...new Set([new URL(publicUrl).hostname.replace(/^\[|\]$/g, ""), "127.0.0.1", "::1", "localhost"]),
  ];
  const serving = issueServingCertificate(ca, hosts);
  return { cert: `${serving.certPem}${ca.certPem}`, key: serving.keyPem, caPem: ca.certPem };
}

export async function loadOrCreateCa(db: Database): Promise<KeyPairPem> {
  const existing = await db.select().from(settings).where(eq(settings.name, CA_SETTING));
  if (existing[0]) return existing[0].value as KeyPairPem;
  // Replicas starting together may both generate one; the first insert wins and all read it back.
  await db
    .insert(settings)
    .values({ name: CA_SETTING, value: createCertificateAuthority() })
    .onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.name, CA_SETTING));
  return row!.value as KeyPairPem;
}
