import { generateKeyPairSync, randomBytes, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import forge from "node-forge";

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

const YEAR_MS = 365 * 86_400_000;

/** A self-signed CA for one install: it signs every replica's serving certificate. */
export function createCertificateAuthority(commonName = "sandcastle-ca"): KeyPairPem {
  const { cert, keyPem } = buildCertificate({
    subject: commonName,
    validForMs: 10 * YEAR_MS,
    isCa: true,
  });
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** A serving certificate for `hosts` (DNS names or IPs), signed by the CA. */
export function issueServingCertificate(ca: KeyPairPem, hosts: readonly string[]): KeyPairPem {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const { cert, keyPem } = buildCertificate({
    subject: hosts[0] ?? "sandcastle",
    validForMs: YEAR_MS,
    isCa: false,
    hosts,
    issuer: { cert: caCert, key: caKey },
  });
  return { certPem: forge.pki.certificateToPem(cert), keyPem };
}

/** True when the certificate expires within `marginMs` (callers renew ahead of time). */
export function expiresWithin(certPem: string, marginMs: number): boolean {
  return new Date(new X509Certificate(certPem).validTo).getTime() - Date.now() < marginMs;
}

interface BuildOptions {
  subject: string;
  validForMs: number;
  isCa: boolean;
  hosts?: readonly string[];
  issuer?: { cert: forge.pki.Certificate; key: forge.pki.PrivateKey };
}

function buildCertificate(options: BuildOptions): { cert: forge.pki.Certificate; keyPem: string } {
  // Node generates the key natively (forge's pure-JS RSA key generation takes seconds).
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial: the top bit cleared so DER does not read it as negative.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString("hex");
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 5 * 60_000);
  cert.validity.notAfter = new Date(now + options.validForMs);
  const subject = [{ name: "commonName", value: options.subject }];
  cert.setSubject(subject);
  cert.setIssuer(options.issuer ? options.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [
    { name: "basicConstraints", cA: options.isCa, critical: true },
    options.isCa
      ? { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true }
      : { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ];
  if (!options.isCa) {
    extensions.push({ name: "extKeyUsage", serverAuth: true });
    extensions.push({
      name: "subjectAltName",
      altNames: (options.hosts ?? []).map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    });
  }
  cert.setExtensions(extensions);
  const signingKey = options.issuer?.key ?? forge.pki.privateKeyFromPem(privateKey);
  cert.sign(signingKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { cert, keyPem: privateKey };
}
