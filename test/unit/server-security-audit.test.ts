// Audit amplification and retention (issue 14 item 3): anonymous refusals (foreign Origin,
// stale cookies, failed and throttled logins, refused WebSocket upgrades) are aggregated per
// source, action and minute (the first few written as they happen, the rest as one row with a
// count), and old rows can be archived: exported to a file, then pruned in one audited step;
// the append-only triggers still refuse every other DELETE or UPDATE.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { archiveAudit } from "@/server/store/audit-archive.ts";
import { AuditLog } from "@/server/store/audit.ts";
import { openDatabase } from "@/server/store/db.ts";
import { type TestServer, closeTestServer, startServer, tempDirs } from "./server-helpers.ts";

let s: TestServer | undefined;
const dirs = tempDirs("lvs-fleet-audit-");
afterEach(async () => {
  await closeTestServer(s, []);
  s = undefined;
  dirs.removeAll();
});
const newDir = dirs.make;
const count = (srv: TestServer, action: string) =>
  (srv.app.db.prepare("SELECT count(*) AS n FROM audit WHERE action = ?").get(action) as { n: number }).n;

const upgrade = (url: string, cookie: string) =>
  new Promise<void>((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/live`, { headers: { cookie } });
    ws.on("error", () => resolve());
    ws.on("open", () => {
      ws.terminate();
      resolve();
    });
  });

describe("refusals are aggregated", () => {
  it("100 cross-origin requests: a few rows and one with the count, not 100", async () => {
    s = await startServer();
    for (let i = 0; i < 100; i++) {
      await fetch(`${s.url}/api/users`, { method: "POST", headers: { origin: "https://evil.example", "content-type": "application/json" }, body: "{}" });
    }
    // 3 written as they came and 1 with the count per minute (the loop may cross into a second)
    expect(count(s, "auth.origin")).toBeLessThanOrEqual(7);
    const rows = (await s.api<{ result: { count?: number }; request: { aggregated?: boolean } }[]>("GET", "/api/audit?action=auth.origin")).body;
    expect(rows.length).toBeLessThanOrEqual(8);
    const individual = rows.filter((r) => !r.request.aggregated).length;
    const summed = rows.filter((r) => r.request.aggregated).reduce((n, r) => n + r.result.count!, 0);
    expect(individual + summed).toBe(100);
  });

  it("refused upgrades and stale cookies from one source are bounded the same way", async () => {
    s = await startServer();
    for (let i = 0; i < 40; i++) await upgrade(s.url, "lvs_session=forged");
    for (let i = 0; i < 40; i++) await fetch(`${s.url}/api/directors`, { headers: { cookie: "lvs_session=stale" } });
    // 3 as they came and 1 with the count per minute (the loops may cross into a second)
    expect(count(s, "auth.session")).toBeLessThanOrEqual(7);
    await s.close();
    const db = openDatabase(s.dataDir);
    const rows = db.prepare("SELECT request, result FROM audit WHERE action = 'auth.session'").all() as { request: string; result: string }[];
    db.close();
    const total = rows.reduce((n, r) => n + ((JSON.parse(r.request) as { aggregated?: boolean }).aggregated ? (JSON.parse(r.result) as { count: number }).count : 1), 0);
    expect(total).toBe(80); // closing the server wrote the counts still in memory
    expect(rows.length).toBeLessThanOrEqual(8);
  });

  it("a login attack writes a bounded number of rows", async () => {
    s = await startServer({ auth: { rateLimit: { free: 3, baseDelayMs: 60_000 } } });
    for (let i = 0; i < 50; i++) {
      await fetch(`${s.url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: `u${i}`, password: "guess" }) });
    }
    expect(count(s, "auth.login")).toBeLessThanOrEqual(8);
  });
});

describe("audit archive", () => {
  const OLD = Date.UTC(2026, 0, 1);
  const NEW = Date.UTC(2026, 5, 1);
  const seed = (dataDir: string) => {
    const db = openDatabase(dataDir);
    const audit = new AuditLog(db);
    for (let i = 0; i < 5; i++) audit.record({ user: "admin", action: "service.add", director: "d1", target: `s${i}`, request: { i } }, true, { n: i }, OLD + i);
    audit.record({ user: "admin", action: "service.add", director: "d1", target: "new", request: {} }, true, null, NEW);
    return { db, audit };
  };

  it("exports the old rows to a file, then prunes exactly those in one audited step", () => {
    const dataDir = newDir();
    const { db, audit } = seed(dataDir);
    const file = join(newDir(), "audit-2026-01.jsonl");
    const out = archiveAudit(db, { before: OLD + 1000, file, user: "root" });
    expect(out).toMatchObject({ rows: 5, file });
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { target: string });
    expect(lines.map((l) => l.target)).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(out.sha256).toBe(createHash("sha256").update(readFileSync(file)).digest("hex"));
    const left = audit.query();
    expect(left.map((e) => e.action)).toEqual(["audit.archive", "service.add"]);
    expect(left[0]).toMatchObject({ user: "root", ok: true, result: { rows: 5, sha256: out.sha256 } });
    // and nothing else can delete or rewrite
    expect(() => db.prepare("DELETE FROM audit").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit SET user = 'x'").run()).toThrow(/append-only/);
    expect(() => db.prepare("DELETE FROM audit_archives").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE audit_archives SET open = 1").run()).toThrow(/append-only/);
    db.close();
  });

  it("nothing to archive writes no file and changes nothing; an existing file is not overwritten", () => {
    const dataDir = newDir();
    const { db, audit } = seed(dataDir);
    const file = join(newDir(), "a.jsonl");
    expect(archiveAudit(db, { before: OLD - 1, file, user: "root" }).rows).toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(audit.query()).toHaveLength(6);
    archiveAudit(db, { before: OLD + 2, file, user: "root" });
    expect(() => archiveAudit(db, { before: OLD + 10, file, user: "root" })).toThrow(/exists/);
    db.close();
  });

  it("npm run audit-archive: the command line", () => {
    const dataDir = newDir();
    seed(dataDir).db.close();
    const file = join(newDir(), "old.jsonl");
    const r = spawnSync("npx", ["tsx", "scripts/audit-archive.ts", "--data", dataDir, "--before", "2026-03-01", "--out", file], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/archived 5 audit entries .* to .*old\.jsonl \(sha256 [0-9a-f]{64}\)/);
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(5);
    const bad = spawnSync("npx", ["tsx", "scripts/audit-archive.ts", "--data", dataDir, "--before", "soon", "--out", file], { encoding: "utf8" });
    expect(bad.status).toBe(2);
  }, 60_000);
});
