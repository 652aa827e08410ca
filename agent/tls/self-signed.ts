// The agent's own TLS identity for --tls-auto: an ECDSA P-256 self-signed certificate made on
// first start and reused afterwards, so its SHA-256 fingerprint stays what the operator pinned
// in the dashboard. Nothing here trusts a CA: the server trusts this exact certificate.
import { X509Certificate as NodeX509, createPrivateKey, randomBytes, webcrypto } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import "./reflect-shim.ts";

export const CERT_FILE = "agent-cert.pem";
export const KEY_FILE = "agent-key.pem";
/** ten years: the pin, not the validity period, is what the server checks */
const VALIDITY_MS = 10 * 365 * 24 * 3600 * 1000;

export class TlsStateError extends Error {
  override readonly name = "TlsStateError";
}

export interface AgentIdentity {
  cert: string;
  key: string;
  /** "AB:CD:..." as Node's X509Certificate.fingerprint256 */
  fingerprint256: string;
  /** true when this call generated the pair */
  created: boolean;
}

export function fingerprintOf(certPem: string | Buffer): string {
  return new NodeX509(certPem).fingerprint256;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

async function generate(commonName: string): Promise<{ cert: string; key: string }> {
  // Loaded here, not at the top: in the esbuild bundle (dist/agent.mjs, the lab) an external
  // package's static import runs before any bundled code, so before the Reflect shim that
  // @peculiar/x509's tsyringe needs at load; a dynamic import runs after it.
  const x509 = await import("@peculiar/x509");
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomBytes(16).toString("hex").replace(/^[89a-f]/, "1"),
      name: `CN=${commonName.replace(/[,+="<>#;\\]/g, "_")}`,
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + VALIDITY_MS),
      signingAlgorithm: alg,
      keys: keys as CryptoKeyPair,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: "dns", value: commonName }]),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { cert: cert.toString("pem"), key: pem("PRIVATE KEY", pkcs8) };
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a key. */
function writeAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode, flag: "w" });
  chmodSync(tmp, mode); // the umask may have removed bits; never added any
  renameSync(tmp, path);
}

/**
 * The certificate and key in `dir`, generated there (key 0600, dir 0700) when neither exists.
 * One without the other, a key readable by others or a pair that does not match is an error
 * the operator must resolve: silently replacing it would change the pinned fingerprint.
 */
export async function loadOrCreateIdentity(dir: string, commonName = hostname()): Promise<AgentIdentity> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const certPath = join(dir, CERT_FILE);
  const keyPath = join(dir, KEY_FILE);
  const cert = readIfExists(certPath);
  const key = readIfExists(keyPath);
  if (cert === null && key === null) {
    const made = await generate(commonName || "lvs-agent");
    writeAtomic(keyPath, made.key, 0o600);
    writeAtomic(certPath, made.cert, 0o644);
    return { ...made, fingerprint256: fingerprintOf(made.cert), created: true };
  }
  if (cert === null || key === null) {
    throw new TlsStateError(
      `${dir} has ${cert === null ? KEY_FILE : CERT_FILE} but not ${cert === null ? CERT_FILE : KEY_FILE}; ` +
        "restore the missing file or delete both to generate a new certificate (its fingerprint must then be accepted in the dashboard)",
    );
  }
  if ((statSync(keyPath).mode & 0o077) !== 0) {
    throw new TlsStateError(`${keyPath} is accessible by other users; chmod 600 it`);
  }
  let parsed: NodeX509;
  try {
    parsed = new NodeX509(cert);
  } catch (err) {
    throw new TlsStateError(`${certPath} is not a PEM certificate: ${(err as Error).message}`);
  }
  if (!parsed.checkPrivateKey(createPrivateKey(key))) {
    throw new TlsStateError(`${keyPath} does not belong to ${certPath}`);
  }
  return { cert, key, fingerprint256: parsed.fingerprint256, created: false };
}
