// Audit entries a crash left running: the next server start completes them as interrupted
// (ok false, with the reason), leaves completed entries as they were, and the append-only
// trigger still refuses any further change to them.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AUDIT_INTERRUPTED_RESULT, type AuditEntry, auditErrorMessage, auditOutcome } from "@/protocol/dashboard/index.ts";
import { AuditLog } from "@/server/store/audit.ts";
import { openDatabase } from "@/server/store/db.ts";
import { type TestServer, removeDir, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await s?.close();
  if (dir) removeDir(dir);
  s = undefined;
  dir = undefined;
});

const START = { user: "alice", action: "service.create", director: "d1", target: "tcp:10.0.0.1:80", request: { scheduler: "rr" } };

/** A data folder as a killed server leaves it: one running entry, two completed ones. */
function previousRun(): { running: number; completed: AuditEntry[] } {
  dir = mkdtempSync(join(tmpdir(), "lvs-fleet-audit-"));
  const db = openDatabase(dir);
  try {
    const audit = new AuditLog(db);
    const done = audit.begin({ ...START, target: "tcp:10.0.0.2:80", before: null }, 1_000);
    audit.finish(done, true, { created: true }, { after: 1 });
    const failed = audit.record({ ...START, action: "auth.denied" }, false, { error: { code: "forbidden", message: "no" } }, 2_000);
    const running = audit.begin({ ...START, before: { service: null } }, 3_000);
    const completed = audit.query().filter((e) => e.id === done || e.id === failed);
    expect(audit.query().find((e) => e.id === running)?.ok).toBeNull();
    return { running, completed };
  } finally {
    db.close();
  }
}

describe("audit entries interrupted by a server stop", () => {
  it("the next start marks the running entry interrupted and leaves completed ones untouched", async () => {
    const { running, completed } = previousRun();
    s = await startServer({ dataDir: dir! });
    expect(s.app.interruptedAudits).toBe(1);

    const res = await s.api<AuditEntry[]>("GET", "/api/audit?limit=1000");
    expect(res.status).toBe(200);
    const byId = new Map(res.body.map((e) => [e.id, e]));
    const e = byId.get(running)!;
    expect(e).toMatchObject({ ...START, time: 3_000, ok: false, result: AUDIT_INTERRUPTED_RESULT, before: { service: null }, after: null });
    expect(auditOutcome(e)).toBe("interrupted");
    expect(auditErrorMessage(e)).toMatch(/^interrupted: the server stopped before the change finished/);
    for (const c of completed) expect(byId.get(c.id)).toEqual(c);
  });

  it("an interrupted entry stays append-only, and entries of the running process are not touched", async () => {
    const { running } = previousRun();
    s = await startServer({ dataDir: dir! });
    expect(() => s!.app.audit.finish(running, true, { late: true })).toThrow(/append-only/);

    const mine = s.app.audit.begin({ ...START, before: null });
    expect(s.app.audit.query().find((e) => e.id === mine)?.ok).toBeNull();
    expect(s.app.audit.query().find((e) => e.id === running)?.ok).toBe(false);
  });

  it("a start with nothing running marks nothing", async () => {
    s = await startServer();
    expect(s.app.interruptedAudits).toBe(0);
  });
});

describe("auditOutcome", () => {
  it("tells pending, ok, failed and interrupted apart", () => {
    expect(auditOutcome({ ok: null, result: null })).toBe("pending");
    expect(auditOutcome({ ok: true, result: { interrupted: true } })).toBe("ok");
    expect(auditOutcome({ ok: false, result: { error: { code: "internal", message: "boom" } } })).toBe("failed");
    expect(auditOutcome({ ok: false, result: null })).toBe("failed");
    expect(auditOutcome({ ok: false, result: AUDIT_INTERRUPTED_RESULT })).toBe("interrupted");
    expect(auditErrorMessage({ result: { error: { code: "internal", message: "boom" } } })).toBe("boom");
    expect(auditErrorMessage({ result: { created: true } })).toBeNull();
  });
});
