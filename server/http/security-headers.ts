// Response headers that limit what a page of ours can be made to do: a Content-Security-Policy
// whose scripts need a fresh per-request nonce (Next.js reads it from the request's CSP header
// while rendering and puts it on its own scripts; app/layout.tsx on the theme script), no
// framing by any site, no MIME sniffing, no full URL in the Referer to other sites, and HSTS
// when the browser reaches us over TLS. Pages must be rendered per request for the nonce to
// be right: app/layout.tsx reads the request headers, which makes every page dynamic.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** The page policy. Styles allow inline: React renders style attributes (not scripts). */
export function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** JSON and text answers: nothing in them may run or be framed. */
export const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = "max-age=31536000; includeSubDomains";

/** The headers every response carries; `secure`: reached over TLS (or behind a TLS proxy). */
export function baseHeaders(secure: boolean): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    ...(secure ? { "strict-transport-security": HSTS } : {}),
  };
}

export const newNonce = (): string => randomBytes(18).toString("base64");

/** Sets the response headers; for a page, also hands the nonce to Next.js in the request. */
export function applySecurityHeaders(req: IncomingMessage, res: ServerResponse, kind: "api" | "page", secure: boolean): void {
  for (const [k, v] of Object.entries(baseHeaders(secure))) res.setHeader(k, v);
  if (kind === "api") {
    res.setHeader("content-security-policy", API_POLICY);
    return;
  }
  const nonce = newNonce();
  const policy = pagePolicy(nonce);
  // never one from the client: Next.js takes the nonce from this request header
  req.headers["content-security-policy"] = policy;
  req.headers["x-nonce"] = nonce;
  delete req.headers["content-security-policy-report-only"];
  res.setHeader("content-security-policy", policy);
}
