// TLS pinning helpers of the agent client: the fingerprint format, a bare TLS probe that reads
// the certificate an agent presents (no HTTP, so no token leaves before the pin matched) and
// the typed error of a mismatch. Node only.
import { X509Certificate } from "node:crypto";
import { type PeerCertificate, type TLSSocket, connect as tlsConnect } from "node:tls";
import { ProtocolError } from "../errors.ts";

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

/** The agent client's TLS settings (AgentClientOptions.tls). */
export interface AgentTlsOptions {
  /** PEM CA (or the agent's self-signed cert itself) */
  ca?: string | Uint8Array;
  rejectUnauthorized?: boolean;
  /**
   * "AB:CD:..." SHA-256 pin of the agent's certificate (self-signed ones included). The
   * certificate is probed first; a different one fails with `unauthorized` and details
   * { reason: "fingerprint", presented, expected } before any HTTP request is sent.
   */
  fingerprint256?: string;
  /** PEM client certificate and key for agents that require mutual TLS */
  cert?: string | Uint8Array;
  key?: string | Uint8Array;
}

/** With a pin on wss://: the probe, then the presented chain as the only trust anchors. */
export async function pinnedTrust(url: string, tls: AgentTlsOptions): Promise<{ ca?: string | string[] } | ProtocolError> {
  if (!tls.fingerprint256 || !url.startsWith("wss:")) return {};
  const pin = normalizeFingerprint(tls.fingerprint256);
  if (!pin) return new ProtocolError("bad_request", `pinned fingerprint "${tls.fingerprint256}" is not a SHA-256 fingerprint (AB:CD:... 32 bytes)`);
  let probed: ProbedCertificate;
  try {
    probed = await probeAgentCertificate(url, { ...(tls.cert ? { cert: tls.cert } : {}), ...(tls.key ? { key: tls.key } : {}) });
  } catch (err) {
    return err instanceof ProtocolError ? err : new ProtocolError("unavailable", (err as Error).message);
  }
  if (normalizeFingerprint(probed.fingerprint256) !== pin) return fingerprintMismatch(url, probed.fingerprint256, pin);
  // an explicit CA wins (CA-issued agent certificates); otherwise trust exactly what was seen
  return tls.ca ? {} : { ca: probed.chainPem };
}

/** The TLS part of the WebSocket's options, given what pinnedTrust() answered. */
export function tlsSocketOptions(url: string, tls: AgentTlsOptions, trust: { ca?: string | string[] }): Record<string, unknown> {
  const pin = tls.fingerprint256 ? normalizeFingerprint(tls.fingerprint256) : null;
  return {
    ...(tls.ca ? { ca: tls.ca as string } : {}),
    ...(trust.ca ? { ca: trust.ca } : {}),
    ...(tls.cert ? { cert: tls.cert as string } : {}),
    ...(tls.key ? { key: tls.key as string } : {}),
    ...(tls.rejectUnauthorized === undefined || pin ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
    ...(pin
      ? {
          // the chain was verified against the probed certificate; the host name does not
          // matter (self-signed, often reached by IP), the exact certificate does. This
          // also catches a certificate swapped between the probe and this handshake.
          checkServerIdentity: (_host: string, cert: { fingerprint256?: string }) =>
            normalizeFingerprint(cert.fingerprint256 ?? "") === pin ? undefined : fingerprintMismatch(url, cert.fingerprint256 ?? "?", pin),
        }
      : {}),
  };
}
