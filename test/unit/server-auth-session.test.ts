// Sign-in, cookies, CSRF and origin checks, session expiry, login throttling and the
// first-run setup, over real HTTP against the whole server on port 0.
import { afterEach, describe, expect, it } from "vitest";
import type { SessionView } from "@/protocol/dashboard/index.ts";
import { ADMIN, type TestServer, login, removeDir, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  s = undefined;
});

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const auditOf = async (srv: TestServer, action: string) =>
  (await srv.api<{ user: string; ok: boolean; result: unknown }[]>("GET", `/api/audit?action=${action}`)).body;

describe("sessions", () => {
  it("login sets an httpOnly SameSite=Strict session cookie (stored hashed) and a readable CSRF cookie; logout ends it", async () => {
    s = await startServer();
    const res = await post(s.url, "/api/auth/login", ADMIN);
    expect(res.status).toBe(200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith("lvs_session="))!;
    const csrf = cookies.find((c) => c.startsWith("lvs_csrf="))!;
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Strict/);
    expect(session).not.toMatch(/Secure/);
    expect(csrf).not.toMatch(/HttpOnly/);
    const view = (await res.json()) as SessionView;
    expect(view.user).toMatchObject({ username: "admin", role: "admin" });
    expect(csrf).toContain(view.csrfToken!);
    // the database holds the SHA-256 of the cookie, never the cookie
    const value = session.split(";")[0]!.split("=")[1]!;
    const rows = s.app.db.prepare("SELECT id_hash FROM sessions").all() as { id_hash: string }[];
    expect(rows.some((r) => r.id_hash === value)).toBe(false);
    expect(JSON.stringify(rows)).not.toContain(value);

    const me = await s.login(ADMIN.username, ADMIN.password);
    expect((await me.api<SessionView>("GET", "/api/auth/session")).body.user?.username).toBe("admin");
    const out = await me.api("POST", "/api/auth/logout");
    expect(out.headers.getSetCookie().join()).toMatch(/lvs_session=; .*Max-Age=0/);
    expect((await me.api("GET", "/api/directors")).status).toBe(401);
    expect((await s.api("GET", "/api/directors")).status).toBe(200); // other sessions live on
    expect((await auditOf(s, "auth.logout"))[0]).toMatchObject({ user: "admin", ok: true });
  });

  it("Secure cookies with --secure-cookies", async () => {
    s = await startServer({ auth: { secureCookies: true } });
    const res = await post(s.url, "/api/auth/login", ADMIN);
    for (const c of res.headers.getSetCookie()) expect(c).toMatch(/; Secure/);
  });

  it("a wrong password or unknown user is one 401 message; both audited without the password", async () => {
    s = await startServer();
    const a = await post(s.url, "/api/auth/login", { username: "admin", password: "wrong-password" });
    const b = await post(s.url, "/api/auth/login", { username: "nobody", password: "wrong-password" });
    expect([a.status, b.status]).toEqual([401, 401]);
    expect(((await a.json()) as { error: { message: string } }).error.message).toBe(((await b.json()) as { error: { message: string } }).error.message);
    const failures = (await auditOf(s, "auth.login")).filter((e) => !e.ok);
    expect(failures.map((e) => e.user)).toEqual(["nobody", "admin"]);
    expect(JSON.stringify(failures)).not.toContain("wrong-password");
  });

  it("mutations need the CSRF token and this server's origin", async () => {
    s = await startServer();
    const viewer = await s.client("viewer");
    const noToken = await fetch(`${s.url}/api/auth/password`, { method: "POST", headers: { cookie: viewer.cookie }, body: "{}" });
    expect(noToken.status).toBe(403);
    const wrong = await viewer.api("POST", "/api/users", {}, { "x-csrf-token": "forged" });
    expect(wrong.status).toBe(403);
    const adminWrongToken = await s.api<{ error: { message: string } }>("POST", "/api/users", { username: "u1", password: "0123456789ab", role: "viewer" }, { "x-csrf-token": "forged" });
    expect(adminWrongToken.status).toBe(403);
    expect(adminWrongToken.body.error.message).toMatch(/CSRF/);
    const crossSite = await s.api("POST", "/api/users", { username: "u1", password: "0123456789ab", role: "viewer" }, { origin: "https://evil.example" });
    expect(crossSite.status).toBe(403);
    const crossReferer = await s.api("POST", "/api/users", { username: "u1", password: "0123456789ab", role: "viewer" }, { referer: "https://evil.example/page" });
    expect(crossReferer.status).toBe(403);
    const login = await post(s.url, "/api/auth/login", ADMIN, { origin: "https://evil.example" });
    expect(login.status).toBe(403);
    const sameSite = await s.api("POST", "/api/users", { username: "u1", password: "0123456789ab", role: "viewer" }, { origin: s.url });
    expect(sameSite.status).toBe(201);
    expect((await auditOf(s, "auth.csrf"))[0]).toMatchObject({ user: "admin", ok: false });
    expect((await auditOf(s, "auth.origin")).length).toBeGreaterThanOrEqual(3);
    // reads need no token
    expect((await fetch(`${s.url}/api/directors`, { headers: { cookie: viewer.cookie } })).status).toBe(200);
  });

  it("idle expiry: a session unused for idleMs is gone, the cookie cleared, the failure audited", async () => {
    s = await startServer({ auth: { session: { idleMs: 400, absoluteMs: 60_000 } } });
    const v = await s.client("viewer");
    expect((await v.api("GET", "/api/directors")).status).toBe(200);
    await new Promise((r) => setTimeout(r, 600));
    const late = await v.api<{ error: { message: string } }>("GET", "/api/directors");
    expect(late.status).toBe(401);
    expect(late.body.error.message).toMatch(/expired/);
    expect(late.headers.getSetCookie().join()).toMatch(/lvs_session=;/);
    // the admin's own session is older than idleMs too: sign in afresh to read the audit
    const admin = await s.login(ADMIN.username, ADMIN.password);
    const audit = (await admin.api<{ action: string; ok: boolean }[]>("GET", "/api/audit?action=auth.session")).body;
    expect(audit.map((e) => e.ok)).toEqual([false]);
  });

  it("absolute expiry: a busy session still ends absoluteMs after login", async () => {
    s = await startServer({ auth: { session: { idleMs: 60_000, absoluteMs: 700 } } });
    const v = await s.client("viewer");
    const t0 = Date.now();
    while (Date.now() - t0 < 600) {
      expect((await v.api("GET", "/api/directors")).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await v.api("GET", "/api/directors")).status).toBe(401);
  });

  it("login throttling: after the free failures 429 with Retry-After, even for the right password, per user and per address", async () => {
    s = await startServer({ auth: { rateLimit: { free: 2, baseDelayMs: 600 } } });
    for (let i = 0; i < 3; i++) expect((await post(s.url, "/api/auth/login", { username: "admin", password: "nope" })).status).toBe(401);
    const locked = await post(s.url, "/api/auth/login", ADMIN);
    expect(locked.status).toBe(429);
    expect(((await locked.clone().json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // the address is locked too: another username from here waits as well
    expect((await post(s.url, "/api/auth/login", { username: "other", password: "x" })).status).toBe(429);
    await new Promise((r) => setTimeout(r, 700));
    expect((await post(s.url, "/api/auth/login", ADMIN)).status).toBe(200);
    // a success clears the count: two more failures are free again
    for (let i = 0; i < 2; i++) expect((await post(s.url, "/api/auth/login", { username: "admin", password: "nope" })).status).toBe(401);
    expect((await auditOf(s, "auth.login")).some((e) => JSON.stringify(e.result).includes("throttled"))).toBe(true);
  });
});

describe("first run", () => {
  it("setup works only while no user exists and only with the setup code; then it is 404", async () => {
    s = await startServer({ auth: { initialAdmin: undefined } });
    const before = await s.anonymous.api<SessionView>("GET", "/api/auth/session");
    expect(before.body).toMatchObject({ user: null, setupNeeded: true });
    expect((await s.anonymous.api("GET", "/api/directors")).status).toBe(401);
    const code = s.app.auth.setupCode!;
    expect(code).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const first = { username: "root", password: "first-admin-password" };
    expect((await s.anonymous.api("POST", "/api/auth/setup", { ...first, code: "guess" })).status).toBe(403);
    expect((await s.anonymous.api("POST", "/api/auth/setup", { ...first, password: "short", code })).status).toBe(400);
    const done = await post(s.url, "/api/auth/setup", { ...first, code });
    expect(done.status).toBe(200);
    expect(((await done.json()) as SessionView).user).toMatchObject({ username: "root", role: "admin" });
    expect(done.headers.getSetCookie().some((c) => c.startsWith("lvs_session="))).toBe(true);
    expect(s.app.auth.setupCode).toBeNull();
    const again = await s.anonymous.api("POST", "/api/auth/setup", { username: "evil", password: "another-password", code });
    expect(again.status).toBe(404);
    const root = await login(s.url, first.username, first.password);
    expect((await root.api<SessionView>("GET", "/api/auth/session")).body.setupNeeded).toBe(false);
    const audit = (await root.api<{ action: string; user: string; ok: boolean }[]>("GET", "/api/audit?action=auth.setup")).body;
    // (the short password never got past validation: no attempt to record)
    expect(audit.map((e) => [e.user, e.ok])).toEqual([["evil", false], ["root", true], ["root", false]]);
  });

  it("concurrent setups: exactly one wins", async () => {
    s = await startServer({ auth: { initialAdmin: undefined } });
    const code = s.app.auth.setupCode!;
    const tries = await Promise.all(
      ["a1", "a2", "a3"].map((u) => post(s!.url, "/api/auth/setup", { username: u, password: "first-admin-password", code })),
    );
    expect(tries.map((r) => r.status).sort()).toEqual([200, 404, 404]);
    expect(s.app.auth.users.count()).toBe(1);
  });
});
