// Headers and redirects (issue 14 item 7): every page answer has a CSP with a fresh nonce that
// Next.js is handed in the request (a client's own CSP header never reaches it), no framing,
// nosniff, a Referrer-Policy, HSTS only over TLS; API answers too; ?next= after sign-in
// accepts only paths of this site.
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { sameOriginPath } from "@/protocol/safe-redirect.ts";
import { type TestServer, removeDir, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  s = undefined;
});

/** A stand-in for Next.js that shows what it was handed. */
const echoNext = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ csp: req.headers["content-security-policy"] ?? null, nonce: req.headers["x-nonce"] ?? null }));
};

describe("security headers", () => {
  it("pages: a CSP with a per-request nonce, handed to Next.js; no framing, nosniff, Referrer-Policy, no HSTS over HTTP", async () => {
    s = await startServer({ next: echoNext });
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${s.url}/services`, { headers: { "content-security-policy": "script-src 'nonce-attacker'" } });
      const body = (await res.json()) as { csp: string; nonce: string };
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toBe(body.csp);
      const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)' 'strict-dynamic'/.exec(csp)?.[1];
      expect(nonce).toBe(body.nonce);
      expect(nonce!.length).toBeGreaterThanOrEqual(22);
      seen.add(nonce!);
      expect(csp).not.toContain("attacker");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
      expect(res.headers.get("strict-transport-security")).toBeNull();
    }
    expect(seen.size).toBe(3);
  });

  it("API answers: nothing runs or frames; HSTS when served for TLS", async () => {
    s = await startServer({ auth: { secureCookies: true } });
    const res = await fetch(`${s.url}/api/auth/session`);
    expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
    const missing = await fetch(`${s.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("?next= after sign-in", () => {
  it("keeps paths of this site", () => {
    for (const ok of ["/", "/services", "/directors/dir1?tab=conns", "/drains#job", "/a/b/../c"]) {
      expect(sameOriginPath(ok)).toBe(new URL(ok, "http://x.invalid").href.slice("http://x.invalid".length));
    }
  });

  it("refuses everything that leaves it", () => {
    for (const bad of [
      "/\t/evil.com", decodeURIComponent("/%09/evil.com"), "//evil.com", "/\\evil.com", "\\\\evil.com", "https://evil.com",
      "http:evil.com", "javascript:alert(1)", "/\n/evil.com", " //evil.com", "evil.com", "", null, undefined, "/%2F/evil.com/../..//x",
    ]) {
      const out = sameOriginPath(bad);
      expect(new URL(out, "http://x.invalid").origin, JSON.stringify(bad)).toBe("http://x.invalid");
      expect(out.startsWith("//")).toBe(false);
    }
    expect(sameOriginPath("/\t/evil.com")).toBe("/");
    expect(sameOriginPath("//evil.com")).toBe("/");
    expect(sameOriginPath("/\\evil.com")).toBe("/");
    expect(sameOriginPath("https://evil.com/")).toBe("/");
  });

  it("property: whatever comes in, the browser stays on this site", () => {
    const chars = fc.constantFrom("/", "\\", "\t", "\n", ".", ":", "@", "%", "2", "F", "e", "v", "l", "?", "#", " ", "h", "t", "p", "s");
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 30 }), (raw) => {
        const out = sameOriginPath(raw);
        expect(out.startsWith("/")).toBe(true);
        expect(out.startsWith("//")).toBe(false);
        expect(new URL(out, "http://x.invalid").origin).toBe("http://x.invalid");
        // and once more as the browser resolves it against a real page URL
        expect(new URL(out, "https://lvs.example.com/login?next=x").host).toBe("lvs.example.com");
      }),
      { numRuns: 3000 },
    );
  });
});
