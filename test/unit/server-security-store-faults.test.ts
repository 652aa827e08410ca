// Faults of the store (issue 14 item 4): on a real full filesystem (a 2 MiB tmpfs as the data
// folder) changes answer 503 "store read-only: disk full" while reads go on, nothing committed
// is lost, and writes come back when space does; injected SQLite errors in the stats callback,
// the timers and the upgrade listener are reported, not fatal; the history flush keeps its
// pending minutes until a commit succeeds.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HistoryStore } from "@/server/history/store.ts";
import { openDatabase } from "@/server/store/db.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { type TestServer, agents, registration, removeDir, startServer, until } from "./server-helpers.ts";

let mnt = "";
let s: TestServer | undefined;
let hs: Harness[] = [];
beforeAll(() => {
  mnt = mkdtempSync(join(tmpdir(), "lvs-fleet-full-"));
  // we run as root (the agent and lab need it too): a missing mount is a failure, not a skip
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", mnt]);
});
afterAll(() => {
  execFileSync("umount", [mnt]);
  rmSync(mnt, { recursive: true, force: true });
});
afterEach(async () => {
  await s?.close();
  if (s && !s.dataDir.startsWith(mnt)) removeDir(s.dataDir);
  for (const h of hs) await h.close();
  s = undefined;
  hs = [];
});

const sqliteError = (code: string) => Object.assign(new Error(`injected ${code}`), { name: "SqliteError", code });

/** Fills the filesystem: returns the filler file. */
function fill(dir: string): string {
  const file = join(dir, "filler");
  const chunk = Buffer.alloc(64 * 1024, 1);
  let n = 0;
  try {
    for (;;) writeFileSync(file, chunk, { flag: n++ === 0 ? "w" : "a" });
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe("ENOSPC");
  }
  // the last bytes too
  for (let size = 32 * 1024; size >= 512; size /= 2) {
    try {
      writeFileSync(file, Buffer.alloc(size, 1), { flag: "a" });
    } catch {
      // full at this size: try smaller
    }
  }
  return file;
}

describe("a full disk", () => {
  it("changes get 503 'store read-only: disk full', reads go on, nothing committed is lost, writes come back with space", async () => {
    const dataDir = join(mnt, "data");
    mkdirSync(dataDir, { mode: 0o700 });
    s = await startServer({ dataDir, historyFlushMs: 100, pruneMs: 100 });
    const user = (name: string) => s!.api<{ error?: { code: string; message: string } }>("POST", "/api/users", { username: name, password: `${name}-password-1`, role: "viewer" });
    expect((await user("before")).status).toBe(201);

    const filler = fill(mnt);
    const refused = await user("during");
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: "unavailable", message: "store read-only: disk full" });
    expect(s.app.storeHealth.readOnly).not.toBeNull();
    // refused up front now, the same way
    expect((await user("during2")).body.error?.message).toBe("store read-only: disk full");
    // reads go on: the session (its touch cannot be written), users, audit, directors
    expect((await s.api<{ user: { username: string } }>("GET", "/api/auth/session")).body.user.username).toBe("admin");
    const users = await s.api<{ username: string }[]>("GET", "/api/users");
    expect(users.status).toBe(200);
    expect(users.body.map((u) => u.username)).toContain("before");
    expect((await s.api("GET", "/api/audit")).status).toBe(200);
    expect((await s.api("GET", "/api/directors")).status).toBe(200);
    // anonymous refusals while full neither fail nor crash
    expect((await s.anonymous.api("GET", "/api/directors", undefined, { cookie: "lvs_session=stale" })).status).toBe(401);

    rmSync(filler);
    await until(() => s!.app.storeHealth.readOnly === null, 5_000, "the store writable again");
    expect((await user("after")).status).toBe(201);
    const names = (await s.api<{ username: string }[]>("GET", "/api/users")).body.map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(["admin", "after", "before"]));
    expect(names).not.toContain("during");
    const creates = (await s.api<{ target: string; ok: boolean }[]>("GET", "/api/audit?action=user.create")).body;
    expect(creates.filter((e) => e.ok).map((e) => e.target)).toEqual(expect.arrayContaining(["before", "after"]));
  }, 60_000);
});

describe("injected SQLite errors", () => {
  it("the history flush keeps its pending minutes until a commit succeeds", () => {
    const dir = mkdtempSync(join(tmpdir(), "lvs-fleet-hist-"));
    const db = openDatabase(dir);
    const h = new HistoryStore(db);
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    const point = { cps: 5, inPps: 1, outPps: 1, inBps: 1, outBps: 1, activeConns: 3, inactiveConns: 1 };
    for (let i = 0; i < 10; i++) h.record("d1", t0 + i * 1000, [{ service: "", destination: "", point }]);
    const original = db.transaction.bind(db);
    db.transaction = (() => () => {
      throw sqliteError("SQLITE_FULL");
    }) as never;
    expect(() => h.flush(t0 + 61_000)).toThrow(/SQLITE_FULL/);
    db.transaction = original;
    h.flush(t0 + 62_000);
    const rows = db.prepare("SELECT count(*) AS n FROM samples_1s").get() as { n: number };
    expect(rows.n).toBe(1);
    const hist = h.query("d1", "", "15m", t0 + 62_000);
    expect(hist.total.cps.filter((v) => v === 5)).toHaveLength(10);
    db.close();
    removeDir(dir);
  });

  it("a store error in the stats callback, a timer or the upgrade listener is reported; the server goes on", async () => {
    hs = await agents(1);
    s = await startServer({ historyFlushMs: 100, pruneMs: 100 });
    expect((await s.api("POST", "/api/directors", registration(hs[0]!, "d1"))).status).toBe(201);
    await until(() => s!.app.fleet.get("d1").online, 10_000, "d1 online");
    const app = s.app;
    app.history.record = () => {
      throw sqliteError("SQLITE_CORRUPT");
    };
    app.history.prune = () => {
      throw sqliteError("SQLITE_BUSY");
    };
    await until(() => app.storeHealth.faults >= 4, 5_000, "faults reported");
    expect(app.storeHealth.readOnly).toBeNull(); // not write faults: changes still allowed
    const principalOf = app.auth.principalOf.bind(app.auth);
    app.auth.principalOf = () => {
      throw sqliteError("SQLITE_IOERR_READ");
    };
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${s!.url.replace(/^http/, "ws")}/api/live`, { headers: { cookie: s!.cookie } });
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => resolve(-1));
    });
    expect(status).toBe(503);
    app.auth.principalOf = principalOf;
    expect((await s.api("GET", "/api/directors")).status).toBe(200);
    expect(app.fleet.get("d1").online).toBe(true);
  });
});
