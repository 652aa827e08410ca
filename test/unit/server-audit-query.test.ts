// The audit log's search and filters (server/store/audit.ts, GET /api/audit): a text search
// (every word, case-insensitive, % and _ taken literally), user, action family "dest.*",
// time range, outcome, combined with each other and with paging.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AuditLog } from "@/server/store/audit.ts";
import { type Db, openDatabase } from "@/server/store/db.ts";
import { removeDir } from "./server-helpers.ts";

let db: Db | undefined;
let log: AuditLog | undefined;
let dir: string | undefined;
afterEach(() => {
  log?.close();
  db?.close();
  if (dir) removeDir(dir);
  db = undefined;
  log = undefined;
  dir = undefined;
});

const T0 = Date.UTC(2026, 11, 2, 12, 0, 0);

function fixture(): AuditLog {
  dir = mkdtempSync(join(tmpdir(), "lvs-fleet-auditq-"));
  db = openDatabase(dir);
  log = new AuditLog(db);
  const rows = [
    { user: "alice", action: "dest.update", director: "dir1", target: "tcp:172.16.0.100:80 10.0.0.11:80", request: { weight: 5 }, ok: true },
    { user: "bob", action: "dest.create", director: "dir2", target: "tcp:172.16.0.100:80 10.0.0.12:80", request: { weight: 1 }, ok: true },
    { user: "alice", action: "service.update", director: "dir1", target: "tcp:172.16.0.100:80", request: { scheduler: "wlc" }, ok: false },
    { user: "carol", action: "destroy.all", director: null, target: "100%_done", request: null, ok: true },
    { user: "bob", action: "dest.delete", director: "dir1", target: "tcp:172.16.0.100:80 10.0.0.13:80", request: null, ok: true },
  ];
  for (const [i, r] of rows.entries()) log!.record({ ...r }, r.ok, null, T0 + i * 60_000);
  return log;
}

const targets = (q: Parameters<AuditLog["query"]>[0]) => log!.query(q).map((e) => e.target);

describe("audit search and filters", () => {
  it("text search: every word, in any of user/action/director/target/request/result, case-insensitive", () => {
    fixture();
    expect(targets({ q: "10.0.0.11" })).toEqual(["tcp:172.16.0.100:80 10.0.0.11:80"]);
    expect(targets({ q: "ALICE weight" })).toEqual(["tcp:172.16.0.100:80 10.0.0.11:80"]);
    expect(targets({ q: "wlc" })).toEqual(["tcp:172.16.0.100:80"]);
    // % and _ are literal characters, not LIKE wildcards
    expect(targets({ q: "100%_" })).toEqual(["100%_done"]);
    expect(targets({ q: "0%0" })).toEqual([]);
    expect(targets({ q: "nothing-like-this" })).toEqual([]);
  });

  it("filters combine: user, action family, director, time range, outcome, paging", () => {
    fixture();
    expect(targets({ action: "dest.*" })).toHaveLength(3);
    // the family is "dest." exactly: not "destroy.all"
    expect(log!.query({ action: "dest.*" }).every((e) => e.action.startsWith("dest."))).toBe(true);
    expect(targets({ action: "dest.*", user: "bob" })).toEqual(["tcp:172.16.0.100:80 10.0.0.13:80", "tcp:172.16.0.100:80 10.0.0.12:80"]);
    expect(targets({ action: "dest.*", user: "bob", director: "dir1" })).toEqual(["tcp:172.16.0.100:80 10.0.0.13:80"]);
    expect(targets({ since: T0 + 60_000, until: T0 + 3 * 60_000 })).toEqual(["tcp:172.16.0.100:80 10.0.0.12:80", "tcp:172.16.0.100:80"].reverse());
    expect(targets({ outcome: "failed" })).toEqual(["tcp:172.16.0.100:80"]);
    expect(targets({ user: "alice", outcome: "ok" })).toEqual(["tcp:172.16.0.100:80 10.0.0.11:80"]);
    const first = log!.query({ action: "dest.*", limit: 2 });
    const older = log!.query({ action: "dest.*", limit: 2, before: first[1]!.id });
    expect(older.map((e) => e.target)).toEqual(["tcp:172.16.0.100:80 10.0.0.11:80"]);
    // the export's pages take the same filters
    expect([...log!.pages({ q: "alice" }, 1)].flat().map((e) => e.action)).toEqual(["service.update", "dest.update"]);
  });
});
