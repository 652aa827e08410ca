// Bearer-token check for the upgrade request. Both sides are hashed first so the comparison
// is over equal-length digests: timingSafeEqual then leaks neither content nor length.
import { createHash, timingSafeEqual } from "node:crypto";

export function bearerTokenOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}

function digest(s: string): Buffer {
  return createHash("sha256").update(s, "utf8").digest();
}

export function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined || expected.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}
