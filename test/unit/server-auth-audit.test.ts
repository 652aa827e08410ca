// The audit log with users: the real user on every entry, the state before and after
// rule-changing mutations, append-only in SQLite, exports as CSV and JSON with the same
// filters; and user management (roles, password resets and deletions end sessions).
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, UserView } from "@/protocol/dashboard/index.ts";
import { AUDIT_CSV_COLUMNS, csvField } from "@/server/http/routes-audit.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { type TestServer, agents, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  await closeTestServer(s, hs);
  s = undefined;
  hs = [];
});

/** RFC 4180 reader, for checking what the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    }
    else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length > 0) rows.push([...row, cell]);
  return rows;
}

const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wrr" } };
const SVC_KEY = encodeURIComponent("tcp:10.9.0.1:80");

describe("audit", () => {
  it("csvField reads back as the value, and never starts with a formula character", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme" }), { minLength: 1, maxLength: 5 }), (cells) => {
        const line = cells.map(csvField).join(",");
        const [back] = parseCsv(`${line}\r\n`);
        expect(back).toHaveLength(cells.length);
        back!.forEach((got, i) => {
          const want = cells[i]!;
          expect(got).toBe(/^[=+\-@\t\r]/.test(want) ? `'${want}` : want);
        });
      }),
      { numRuns: 500 },
    );
  });

  it("mutations carry the signed-in user and the service's state before and after", async () => {
    hs = await agents(1);
    s = await startServer();
    const op = await s.client("operator", "olivia");
    expect((await s.api("POST", "/api/directors", registration(hs[0]!, "d1"))).status).toBe(201);
    await until(async () => (await op.api<{ directors: Record<string, { link: string }> }>("GET", "/api/directors")).body.directors.d1?.link === "online");
    expect((await op.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    expect((await op.api("PATCH", `/api/directors/d1/services/${SVC_KEY}`, { scheduler: "rr" })).status).toBe(200);
    const [update, create] = (await op.api<AuditEntry[]>("GET", "/api/audit?director=d1&limit=2")).body;
    expect(create).toMatchObject({ user: "olivia", action: "service.create", ok: true, before: null, after: { service: "tcp:10.9.0.1:80", config: { scheduler: "wrr" } } });
    expect(update).toMatchObject({ user: "olivia", action: "service.update", before: { config: { scheduler: "wrr" } }, after: { config: { scheduler: "rr" } } });
    const director = (await op.api<AuditEntry[]>("GET", "/api/audit?action=director.create")).body[0]!;
    expect(director.user).toBe("admin");
    expect(JSON.stringify(director)).not.toContain("s3cret");
  });

  it("is append-only in SQLite: no delete, no change of a completed entry, one completion of a running one", async () => {
    s = await startServer();
    const db = s.app.db;
    const running = s.app.audit.begin({ user: "u", action: "x.run", director: null, target: null, request: 1, before: "b" });
    expect(() => db.prepare("UPDATE audit SET user = 'mallory' WHERE id = ?").run(running)).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit SET before_state = 'x' WHERE id = ?").run(running)).toThrow(/append-only/);
    s.app.audit.finish(running, true, { r: 1 }, "a");
    expect(() => s!.app.audit.finish(running, false, null)).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit SET result = 'forged' WHERE id = ?").run(running)).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit WHERE id = ?").run(running)).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
    expect(s.app.audit.query({ action: "x.run" })[0]).toMatchObject({ user: "u", ok: true, result: { r: 1 }, before: "b", after: "a" });
  });

  it("exports CSV and JSON with the same filters; operators and admins only", async () => {
    s = await startServer();
    for (const [action, target] of [["t.one", "=HYPERLINK(\"x\")"], ["t.two", "a,b\n\"c\""], ["t.one", "plain"]] as const) {
      s.app.audit.record({ user: "u", action, director: "d9", target, request: { n: 1 } }, true, null);
    }
    const json = await s.fetch("/api/audit/export?format=json&action=t.one");
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename="lvs-fleet-audit-.*\.json"/);
    const entries = (await json.json()) as AuditEntry[];
    expect(entries.map((e) => e.target)).toEqual(["plain", "=HYPERLINK(\"x\")"]);
    const csv = await s.fetch("/api/audit/export?format=csv&director=d9");
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const rows = parseCsv(await csv.text());
    expect(rows[0]).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => r[5])).toEqual(["plain", "a,b\n\"c\"", "'=HYPERLINK(\"x\")"]);
    expect(rows[1]![7]).toBe('{"n":1}');
    expect((await s.api("GET", "/api/audit/export?format=xml")).status).toBe(400);
    const viewer = await s.client("viewer");
    expect((await viewer.api("GET", "/api/audit/export?format=csv")).status).toBe(403);
    const operator = await s.client("operator");
    expect((await operator.api("GET", "/api/audit/export?format=csv")).status).toBe(200);
  });
});

describe("users", () => {
  it("admins create users, change roles and reset passwords (ending sessions), delete; the last admin stays", async () => {
    s = await startServer();
    const created = await s.api<UserView>("POST", "/api/users", { username: "vera", password: "vera-password-1", role: "viewer" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: "vera", role: "viewer" });
    expect(JSON.stringify(created.body)).not.toMatch(/hash|password/i);
    expect((await s.api("POST", "/api/users", { username: "VERA", password: "vera-password-1", role: "viewer" })).status).toBe(409);
    expect((await s.api("POST", "/api/users", { username: "x", password: "short", role: "viewer" })).status).toBe(400);
    expect((await s.api("POST", "/api/users", { username: "y", password: "long-enough-1", role: "root" })).status).toBe(400);

    const vera = await s.login("vera", "vera-password-1");
    expect((await vera.api("POST", "/api/directors/d1/services", SVC)).status).toBe(403);
    expect((await s.api("PATCH", `/api/users/${created.body.id}`, { role: "operator" })).status).toBe(200);
    expect((await vera.api("GET", "/api/directors")).status).toBe(401); // the role change ended the session
    const vera2 = await s.login("vera", "vera-password-1");
    expect((await vera2.api("POST", "/api/directors/d1/services", SVC)).status).toBe(404); // allowed now: no such director

    expect((await s.api("PATCH", `/api/users/${created.body.id}`, { password: "new-password-2" })).status).toBe(200);
    expect((await vera2.api("GET", "/api/directors")).status).toBe(401);
    await expect(s.login("vera", "vera-password-1")).rejects.toThrow(/401/);
    const vera3 = await s.login("vera", "new-password-2");
    // changing one's own password needs the current one and keeps this session
    expect((await vera3.api("POST", "/api/auth/password", { current: "wrong-one", password: "third-password-3" })).status).toBe(403);
    expect((await vera3.api("POST", "/api/auth/password", { current: "new-password-2", password: "third-password-3" })).status).toBe(200);
    expect((await vera3.api("GET", "/api/directors")).status).toBe(200);

    const adminId = s.app.auth.users.byName("admin")!.id;
    expect((await s.api("PATCH", `/api/users/${adminId}`, { role: "viewer" })).status).toBe(409);
    expect((await s.api("DELETE", `/api/users/${adminId}`)).status).toBe(409);
    expect((await s.api("DELETE", `/api/users/${created.body.id}`)).status).toBe(200);
    expect((await vera3.api("GET", "/api/directors")).status).toBe(401);
    expect((await s.api<UserView[]>("GET", "/api/users")).body.map((u) => u.username)).toEqual(["admin"]);
    const audit = (await s.api<AuditEntry[]>("GET", "/api/audit?limit=1000")).body.filter((e) => e.action.startsWith("user."));
    expect(audit.map((e) => [e.action, e.ok])).toEqual([
      ["user.delete", true], ["user.delete", false], ["user.update", false], ["user.update", true], ["user.update", true], ["user.create", false], ["user.create", true],
    ]);
    expect(JSON.stringify(audit)).not.toContain("new-password-2");
  });
});
