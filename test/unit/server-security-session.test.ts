// Sessions (issue 14 item 11): a login replaces the browser's previous session, and cookies
// served over TLS (or with --secure-cookies) carry the __Host- prefix (Secure, Path=/, no
// Domain: no subdomain or plain-HTTP page can set or shadow them).
import { afterEach, describe, expect, it } from "vitest";
import type { SessionView } from "@/protocol/dashboard/index.ts";
import { ADMIN, type TestServer, removeDir, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  s = undefined;
});

const loginWith = (base: string, cookie: string) =>
  fetch(`${base}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify(ADMIN) });
const cookieOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
const whoAmI = async (base: string, cookie: string) =>
  ((await (await fetch(`${base}/api/auth/session`, { headers: { cookie } })).json()) as SessionView).user?.username ?? null;

describe("sessions", () => {
  it("a login replaces the session the browser already had", async () => {
    s = await startServer();
    const before = (s.app.db.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n;
    const first = cookieOf(await loginWith(s.url, ""));
    expect(await whoAmI(s.url, first)).toBe("admin");
    const second = cookieOf(await loginWith(s.url, first));
    expect(second).not.toBe(first);
    expect(await whoAmI(s.url, second)).toBe("admin");
    expect(await whoAmI(s.url, first)).toBeNull();
    expect((s.app.db.prepare("SELECT count(*) AS n FROM sessions").get() as { n: number }).n).toBe(before + 1);
  });

  it("secure cookies are __Host- prefixed; the unprefixed name is not accepted then", async () => {
    s = await startServer({ auth: { secureCookies: true } });
    const res = await loginWith(s.url, "");
    const set = res.headers.getSetCookie();
    expect(set).toHaveLength(2);
    for (const c of set) {
      expect(c).toMatch(/^__Host-lvs_(session|csrf)=/);
      expect(c).toMatch(/; Secure/);
      expect(c).toMatch(/; Path=\//);
      expect(c).not.toMatch(/Domain=/i);
    }
    const cookie = cookieOf(res);
    expect(await whoAmI(s.url, cookie)).toBe("admin");
    expect(await whoAmI(s.url, cookie.replaceAll("__Host-", ""))).toBeNull();
    const out = await fetch(`${s.url}/api/auth/logout`, { method: "POST", headers: { cookie, "x-csrf-token": ((await res.json()) as SessionView).csrfToken! } });
    expect(out.headers.getSetCookie().join()).toMatch(/__Host-lvs_session=; .*Max-Age=0/);
  });

  it("plain HTTP keeps the unprefixed names (a __Host- cookie needs Secure)", async () => {
    s = await startServer();
    for (const c of (await loginWith(s.url, "")).headers.getSetCookie()) expect(c).toMatch(/^lvs_(session|csrf)=/);
  });
});
