// Personal API tokens against the real server routes and real agents over FakeIpvs: created
// once-shown and stored as a hash, Bearer requests act with the user's role (a viewer's token
// cannot mutate, a demotion applies at once), revoked and wrong tokens are 401, wrong ones
// throttled per address (429), token routes need a browser session, the last use is shown,
// changes are audited under the user's name and the token never reaches the audit or store.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ApiTokenCreated, ApiTokenView } from "@/protocol/dashboard/tokens.ts";
import type { DirectorView } from "@/protocol/dashboard/index.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { type TestServer, agents, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  await closeTestServer(s, hs);
  s = undefined;
  hs = [];
});

const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "rr" } };

async function withDirector(opts: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  hs = await agents(1);
  s = await startServer(opts);
  await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
  await until(async () => (await s!.api<{ directors: Record<string, DirectorView> }>("GET", "/api/directors")).body.directors.d1?.link === "online", 10_000, "d1 online");
  return s;
}

async function bearer<T = unknown>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${s!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain text answers
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

describe("personal API tokens", () => {
  it("shows a token once, keeps only its hash, and acts as the user with the user's role", async () => {
    await withDirector();
    const op = await s!.client("operator", "olga");
    const created = await op.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "laptop" });
    expect(created.status).toBe(201);
    const token = created.body.token;
    expect(token).toMatch(/^lvsf_[A-Za-z0-9_-]{43}$/);
    expect(created.body.view).toMatchObject({ name: "laptop", role: "operator", lastUsedAt: null, expiresAt: null });
    const listed = await op.api<ApiTokenView[]>("GET", "/api/auth/tokens");
    expect(listed.body.map((t) => t.name)).toEqual(["laptop"]);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    expect((await bearer(token, "GET", "/api/directors/d1/services")).status).toBe(200);
    const made = await bearer(token, "POST", "/api/directors/d1/services", SVC);
    expect(made.status).toBe(201);
    expect(hs[0]!.ipvs.services.size).toBe(1);
    // the last use, with the address, is on the list
    const after = await op.api<ApiTokenView[]>("GET", "/api/auth/tokens");
    expect(after.body[0]!.lastUsedAt).toBeGreaterThan(0);
    expect(after.body[0]!.lastUsedAddress).toMatch(/127\.0\.0\.1/);

    const rows = s!.app.db.prepare("SELECT user, action, ok, request, result FROM audit").all() as { user: string; action: string; ok: number; request: string; result: string }[];
    const create = rows.filter((r) => r.action === "service.create");
    expect(create).toHaveLength(1);
    expect(create[0]).toMatchObject({ user: "olga", ok: 1 });
    // nowhere in the audit, nowhere in the database file (only its SHA-256)
    expect(JSON.stringify(rows)).not.toContain(token);
    s!.app.db.pragma("wal_checkpoint(TRUNCATE)");
    const file = readFileSync(join(s!.dataDir, "lvs-fleet.sqlite"));
    expect(file.includes(Buffer.from(token))).toBe(false);
    expect(file.includes(Buffer.from(token.slice(5, 30)))).toBe(false);

    // a demotion applies to the token at once
    const olga = s!.app.auth.users.byName("olga")!;
    expect((await s!.api("PATCH", `/api/users/${olga.id}`, { role: "viewer" })).status).toBe(200);
    const refused = await bearer<{ error: { message: string } }>(token, "DELETE", `/api/directors/d1/services/${encodeURIComponent("tcp:10.9.0.1:80")}`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/operator role; olga is viewer/);
    expect(hs[0]!.ipvs.services.size).toBe(1);
  });

  it("a viewer's token reads but cannot mutate (403); a token with a lower role than its user's is kept to it", async () => {
    await withDirector();
    const viewer = await s!.client("viewer", "vera");
    const vt = (await viewer.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "ro" })).body.token;
    expect((await bearer(vt, "GET", "/api/directors")).status).toBe(200);
    expect((await bearer(vt, "POST", "/api/directors/d1/services", SVC)).status).toBe(403);
    expect((await bearer(vt, "POST", "/api/directors/d1/ipvsadm/flush", {})).status).toBe(403);
    expect((await viewer.api("POST", "/api/auth/tokens", { name: "more", role: "operator" })).status).toBe(403);
    // the admin's read-only token
    const ro = (await s!.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "monitoring", role: "viewer" })).body;
    expect(ro.view.role).toBe("viewer");
    expect((await bearer(ro.token, "POST", "/api/directors/d1/services", SVC)).status).toBe(403);
    expect((await bearer(ro.token, "GET", "/api/users")).status).toBe(403);
    expect(hs[0]!.ipvs.services.size).toBe(0);
  });

  it("refuses revoked, expired, wrong and malformed tokens with 401, and token routes need a session", async () => {
    await withDirector();
    const { token, view } = (await s!.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "ci" })).body;
    expect((await bearer(token, "GET", "/api/directors")).status).toBe(200);
    // a token cannot list, make or revoke tokens, nor change the password
    expect((await bearer(token, "GET", "/api/auth/tokens")).status).toBe(403);
    expect((await bearer(token, "POST", "/api/auth/tokens", { name: "x" })).status).toBe(403);
    expect((await bearer(token, "DELETE", `/api/auth/tokens/${view.id}`)).status).toBe(403);
    expect((await s!.api("DELETE", `/api/auth/tokens/${view.id}`)).status).toBe(200);
    const revoked = await bearer<{ error: { code: string; message: string } }>(token, "GET", "/api/directors");
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toMatch(/"ci" was revoked/);
    expect((await s!.api("DELETE", `/api/auth/tokens/${view.id}`)).status).toBe(404);
    expect((await s!.api<ApiTokenView[]>("GET", "/api/auth/tokens")).body).toEqual([]);

    const wrong = `lvsf_${"A".repeat(43)}`;
    expect((await bearer(wrong, "GET", "/api/directors")).status).toBe(401);
    expect((await bearer("not-a-token", "GET", "/api/directors")).status).toBe(401);
    const basic = await fetch(`${s!.url}/api/directors`, { headers: { authorization: "Basic YWRtaW46eA==" } });
    expect(basic.status).toBe(401);

    const short = (await s!.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "day", expiresInDays: 1 })).body;
    expect(short.view.expiresAt).toBeGreaterThan(Date.now());
    s!.app.db.prepare("UPDATE api_tokens SET expires_at = ? WHERE id = ?").run(Date.now() - 1, short.view.id);
    const expired = await bearer<{ error: { message: string } }>(short.token, "GET", "/api/directors");
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toMatch(/expired/);
    // another user's token cannot be revoked by id
    const other = await s!.client("operator", "otto");
    const ot = (await other.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "otto-ci" })).body;
    expect((await s!.api("DELETE", `/api/auth/tokens/${ot.view.id}`)).status).toBe(404);
    expect((await bearer(ot.token, "GET", "/api/directors")).status).toBe(200);
    // deleting the user ends the token
    const otto = s!.app.auth.users.byName("otto")!;
    expect((await s!.api("DELETE", `/api/users/${otto.id}`)).status).toBe(200);
    expect((await bearer(ot.token, "GET", "/api/directors")).status).toBe(401);
    const audit = JSON.stringify(s!.app.db.prepare("SELECT * FROM audit").all());
    for (const t of [token, short.token, ot.token]) expect(audit).not.toContain(t);
    expect(audit).toContain("token.create");
    expect(audit).toContain("token.revoke");
  });

  it("throttles wrong tokens per address like failed logins (429 with Retry-After); a good token from elsewhere is unaffected", async () => {
    await withDirector({ auth: { rateLimit: { free: 3, baseDelayMs: 60_000 } } });
    const { token } = (await s!.api<ApiTokenCreated>("POST", "/api/auth/tokens", { name: "ci" })).body;
    const wrong = `lvsf_${"B".repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await bearer(wrong, "GET", "/api/directors")).status);
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    const locked = await bearer<{ error: { code: string } }>(wrong, "GET", "/api/directors");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(1);
    // locked for this address: even the right token waits (as a login would)
    expect((await bearer(token, "GET", "/api/directors")).status).toBe(429);
    // the lock is per address: the same token from another address works
    const p = s!.app.auth.tokens.authenticate(token, "192.0.2.9");
    expect(p.user.username).toBe("admin");
    expect(() => s!.app.auth.tokens.authenticate(wrong, "192.0.2.9")).toThrow(/not valid/);
  });
});
