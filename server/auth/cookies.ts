// The two cookies: the session (httpOnly: scripts never see it) and the CSRF token (readable
// by the page, which echoes it in the X-CSRF-Token header). SameSite=Strict: no other site's
// page makes the browser send them; Secure when served over TLS or told so, and then named
// with the __Host- prefix: the browser keeps such a cookie only if it is Secure, Path=/ and
// has no Domain, so no subdomain or plain-HTTP page can plant or shadow it.
import type { IncomingMessage } from "node:http";

export const SESSION_COOKIE = "lvs_session";
export const CSRF_COOKIE = "lvs_csrf";
export const CSRF_HEADER = "x-csrf-token";
export const HOST_PREFIX = "__Host-";

/** The cookie's name as sent: __Host- prefixed when secure. */
export const cookieName = (name: string, secure: boolean): string => (secure ? `${HOST_PREFIX}${name}` : name);

export function readCookies(req: IncomingMessage): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue; // the first one is the most specific path
    try {
      out.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed value is no cookie
    }
  }
  return out;
}

export interface CookieOptions {
  secure: boolean;
  httpOnly: boolean;
  /** seconds; 0 deletes the cookie */
  maxAge?: number;
}

export function serializeCookie(name: string, value: string, o: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, "Path=/", "SameSite=Strict"];
  if (o.httpOnly) parts.push("HttpOnly");
  if (o.secure) parts.push("Secure");
  if (o.maxAge !== undefined) parts.push(`Max-Age=${o.maxAge}`);
  return parts.join("; ");
}
