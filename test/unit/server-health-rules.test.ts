// The dashboard's rules import and export with format "keepalived", through the server's REST
// routes to an agent running the real rules and health handlers over FakeIpvs: the dry run
// (the import dialog's preview) lists the changes and names the line of a keyword not carried,
// a syntax error names its line and changes nothing, Apply creates the table and the checks
// (audited as rules.import with the format), and the export is keepalived.conf with the checks.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { buildRegistry } from "@/agent/handlers/handler-modules.ts";
import { withHealthIntent } from "@/agent/health/intent-client.ts";
import { HealthManager } from "@/agent/health/manager.ts";
import type { AuditEntry } from "@/protocol/dashboard/index.ts";
import type { DirectorHealthView } from "@/protocol/dashboard/health.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { type TestServer, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

const TEXT = readFileSync("test/fixtures/keepalived/nat-dr-tcp-http.conf", "utf8");

let s: TestServer | undefined;
let h: Harness | undefined;
afterEach(async () => {
  await closeTestServer(s, h ? [h] : []);
  s = h = undefined;
});

interface Imported {
  changes: { action: string }[];
  applied: boolean;
  errors: { line?: number; message: string }[];
  warnings?: { line?: number; message: string }[];
}

async function setup() {
  const kernel = new FakeIpvs();
  // every check succeeds at once: the table stays as imported
  const health = new HealthManager(kernel, { runCheck: async () => ({ ok: true, reason: "ok" }) });
  const { registry } = await buildRegistry({ role: "director", ipvs: withHealthIntent(kernel, health), health });
  h = await startHarness({ registry });
  s = await startServer({ health: { pollMs: 200 } });
  expect((await s.api("POST", "/api/directors", registration(h, "d1"))).status).toBe(201);
  await until(() => s!.app.fleet.get("d1").online, 10_000, "d1 online");
  return { kernel, health, s };
}

describe("rules import/export format keepalived in the dashboard", () => {
  it("previews, applies with the checks, and exports keepalived.conf", async () => {
    const { kernel, health, s } = await setup();
    const preview = await s.api<Imported>("POST", "/api/directors/d1/rules/import", { text: TEXT, format: "keepalived", mode: "replace", dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.applied).toBe(false);
    expect(preview.body.errors).toEqual([]);
    expect(preview.body.changes.filter((c) => c.action === "create").length).toBeGreaterThanOrEqual(7);
    expect(kernel.services.size).toBe(0);
    // the diff route answers the same changes
    const diff = await s.api<Imported>("POST", "/api/directors/d1/rules/diff", { text: TEXT, format: "keepalived", mode: "replace" });
    expect(diff.body.changes).toEqual(preview.body.changes);

    // a keyword not carried: a warning naming its line
    const withUnknown = TEXT.replace(/(virtual_server [^\n]*\{\n)/, "$1    smtp_alert\n");
    const line = withUnknown.split("\n").findIndex((l) => l.includes("smtp_alert")) + 1;
    const w = await s.api<Imported>("POST", "/api/directors/d1/rules/import", { text: withUnknown, format: "keepalived", mode: "replace", dryRun: true });
    expect(w.body.warnings?.some((x) => x.line === line && /smtp_alert/.test(x.message))).toBe(true);

    // a syntax error: its line, nothing applied
    const broken = `${TEXT}\nvirtual_server 10.0.0.200 80 {\n  lb_algo rr\n`;
    const b = await s.api<Imported & { error?: { message: string } }>("POST", "/api/directors/d1/rules/import", { text: broken, format: "keepalived", mode: "replace" });
    expect(JSON.stringify(b.body)).toMatch(/line \d+|"line":\d+/);
    expect(b.status === 400 || b.body.applied === false).toBe(true);
    expect(kernel.services.size).toBe(0);

    const r = await s.api<Imported>("POST", "/api/directors/d1/rules/import", { text: TEXT, format: "keepalived", mode: "replace" });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.applied).toBe(true);
    expect(kernel.services.size).toBe(2);
    expect(health.status().realServers.length).toBe(5);
    const audit = (await s.api<AuditEntry[]>("GET", "/api/audit?action=rules.import")).body;
    expect(audit[0]).toMatchObject({ user: "admin", target: "replace keepalived", ok: true, request: { format: "keepalived" } });

    // the dashboard's health view has them, with their checkers
    const v = await until(async () => {
      const x = (await s.api<DirectorHealthView>("GET", "/api/directors/d1/health")).body;
      const rss = Object.values(x.services).flatMap((sv) => Object.values(sv.realServers));
      // the configuration (checker kinds) is read once the status names servers it did not know
      return rss.length === 5 && rss.every((rs) => rs.checkers.length > 0) ? x : null;
    }, 5000, "five checked real servers with their checkers in the health view");
    const kinds = Object.values(v.services).flatMap((sv) => Object.values(sv.realServers).flatMap((rs) => rs.checkers));
    expect(new Set(kinds)).toEqual(new Set(["TCP_CHECK", "HTTP_GET"]));

    const ex = await s.fetch("/api/directors/d1/rules?format=keepalived");
    expect(ex.status).toBe(200);
    const conf = await ex.text();
    expect(conf).toMatch(/virtual_server 10\.0\.0\.100 80 \{/);
    expect(conf).toMatch(/TCP_CHECK|HTTP_GET/);
    expect((await s.fetch("/api/directors/d1/rules?format=xml")).status).toBe(400);
    health.stop();
  });
});
