// TLS pinning helpers of the agent client: the fingerprint format, a bare TLS probe that reads
// the certificate an agent presents (no HTTP, so no token leaves before the pin matched) and
// the typed error of a mismatch. Node only.
import { X509Certificate } from "node:crypto";
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from "node:tls";
import { ProtocolError } from "./errors.ts";

/** "ab:cd..." or "ABCD..." -> "AB:CD:..." (null when it is not 32 hex bytes) */
export function normalizeFingerprint(s: string): string | null {
  const hex = s.replace(/[\s:]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(":");
}

export interface ProbedCertificate {
  fingerprint256: string;
  /** PEM of the presented chain, leaf first: the trust anchors for the real connection */
  chainPem: string[];
}

function pemOf(raw: Buffer): string {
  return new X509Certificate(raw).toString();
}

/**
 * Reads the certificate an agent presents, without verifying it and without sending anything
 * but the TLS handshake (client certificate included when given, for mutual-TLS agents).
 */
export function probeAgentCertificate(
  url: string,
  opts: { cert?: string | Uint8Array; key?: string | Uint8Array; timeoutMs?: number } = {},
): Promise<ProbedCertificate> {
  const u = new URL(url);
  if (u.protocol !== "wss:") return Promise.reject(new ProtocolError("bad_request", `${url} is not a wss:// URL: nothing to pin`));
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number(u.port || 443);
  return new Promise<ProbedCertificate>((resolve, reject) => {
    const socket: TLSSocket = tlsConnect({
      host,
      port,
      rejectUnauthorized: false,
      ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
      ...(opts.cert ? { cert: opts.cert as string } : {}),
      ...(opts.key ? { key: opts.key as string } : {}),
    });
    const timer = setTimeout(() => socket.destroy(new Error("TLS handshake timed out")), opts.timeoutMs ?? 10_000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const chain: string[] = [];
      let c: PeerCertificate & { issuerCertificate?: PeerCertificate } = socket.getPeerCertificate(true);
      const fingerprint256 = c?.fingerprint256;
      while (c?.raw && chain.length < 10) {
        chain.push(pemOf(c.raw));
        if (!c.issuerCertificate || c.issuerCertificate === c) break;
        c = c.issuerCertificate;
      }
      socket.destroy();
      if (!fingerprint256 || chain.length === 0) reject(new ProtocolError("unavailable", `agent at ${url} presented no certificate`));
      else resolve({ fingerprint256, chainPem: chain });
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      reject(new ProtocolError("unavailable", `agent link error: ${err.message}`));
    });
  });
}

/** The typed error of a certificate that is not the pinned one. */
export function fingerprintMismatch(url: string, presented: string, expected: string): ProtocolError {
  return new ProtocolError(
    "unauthorized",
    `agent at ${url} presented a certificate with fingerprint ${presented}, not the pinned ${expected}`,
    { reason: "fingerprint", presented, expected },
  );
}
