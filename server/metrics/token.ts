// The metrics token (--metrics-token-file): the bearer token Prometheus presents on the
// server's /metrics and /api/prometheus/targets. Re-read when the file changes, compared in
// constant time over digests (length does not leak either).
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync, statSync } from "node:fs";

export class MetricsTokenError extends Error {
  override name = "MetricsTokenError";
}

/** The token in a file: one line, at least 16 characters, not readable by group or others. */
export function readMetricsToken(path: string): string {
  const st = statSync(path);
  if ((st.mode & 0o077) !== 0) throw new MetricsTokenError(`${path} must not be readable by group or others (chmod 600)`);
  const token = readFileSync(path, "utf8").trim();
  if (token.length < 16 || /\s/.test(token)) throw new MetricsTokenError(`${path} must hold one token of at least 16 characters`);
  return token;
}

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** true when the request's `Authorization: Bearer <token>` is the expected token */
export function bearerMatches(expected: string | null, header: string | undefined): boolean {
  if (!expected || !header) return false;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!m) return false;
  return timingSafeEqual(digest(expected), digest(m[1]!));
}

/**
 * The token of the file now: re-read when its metadata changes (a rotation needs no restart);
 * a file that became unusable keeps the previous token. Throws at the first read only.
 */
export function metricsTokenSource(path: string): () => string {
  let token = readMetricsToken(path);
  let signature = "";
  const sig = () => {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.mode}`;
  };
  signature = sig();
  return () => {
    try {
      const now = sig();
      if (now !== signature) {
        token = readMetricsToken(path);
        signature = now;
      }
    } catch {
      // keep the previous token: a half-written or removed file must not open or close the door
    }
    return token;
  };
}
