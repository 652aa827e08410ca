// Rollback through the dashboard server, checked with the real kernel's `ipvsadm -S -n`:
// - a rules import (merge and replace) whose last line the kernel refuses leaves the table
//   exactly as it was (the agent rolls back; here it is driven through the server's REST);
// - a group-wide drain that fails part-way (dir1 already at weight 0 when dir2 refuses)
//   puts dir1's weight back: both tables as before.
// The server runs in-process with slow stats, re-lists and group drift checks (the group's
// members are otherwise re-listed every 2.5 s), so that its view of dir2 can be made stale on
// purpose (the real server deleted with ipvsadm behind its back).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardLogin, sessionApi } from "@/lab/dashboard.ts";
import { type RunningServer, createServer } from "@/server/http/server.ts";
import { director, ipvsadm } from "./lab.ts";

const d1 = director(1);
const d2 = director(2);
const ADMIN = { username: "admin", password: "rollback-admin-password" };
const SVC = "tcp:192.0.2.70:80";
let server: RunningServer;
let dataDir: string;
let session = { cookie: "", csrf: "" };

const api = sessionApi(() => ({ url: server.url, session }));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function cleanup(): Promise<void> {
  for (const d of [d1, d2]) {
    const saved = await ipvsadm(d.name, "-S", "-n");
    if (saved.includes("192.0.2.70:80")) await ipvsadm(d.name, "-D", "-t", "192.0.2.70:80");
    if (saved.includes("198.51.100.1:80")) await ipvsadm(d.name, "-D", "-t", "198.51.100.1:80");
  }
}

describe("rollback through the server (real kernel)", () => {
  beforeAll(async () => {
    await cleanup();
    dataDir = mkdtempSync(join(tmpdir(), "server-rollback-"));
    server = await createServer({
      port: 0,
      dataDir,
      auth: { initialAdmin: ADMIN },
      link: { heartbeatMs: 1000, statsIntervalMs: 600_000, relistMs: 600_000 },
      groups: { driftCheckMs: 600_000 },
    });
    session = await dashboardLogin({ url: server.url, admin: ADMIN });
    for (const d of [d1, d2]) {
      expect((await api("POST", "/api/directors", { name: d.name, url: d.agentUrl, token: d.agentToken, group: "ha" })).status).toBe(201);
      await until(() => server.app.fleet.get(d.name).online, 30_000, `${d.name} online`);
    }
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await cleanup();
  }, 60_000);

  it("an import whose last line the kernel refuses leaves ipvsadm -S -n unchanged (merge and replace)", async () => {
    const before = await ipvsadm(d1.name, "-S", "-n");
    const lines = before.split("\n").filter((l) => l.startsWith("-a "));
    const [svc, rs] = lines[0]!.slice(3).split(" -r ");
    const failing = [
      `-e ${svc} -r ${rs!.split(" ")[0]} -w 7`,
      "-A -t 198.51.100.1:80 -s wrr",
      "-a -t 198.51.100.1:80 -r 10.0.0.11:80 -m -w 2",
      "-a -t 198.51.100.1:80 -r 224.0.0.5:80 -m",
    ].join("\n");
    // merge applies the lines as ipvsadm -R would; replace makes the table equal the text
    for (const [mode, text] of [["merge", failing], ["replace", `${before}${failing}`]] as const) {
      const r = await api<{ error?: { code: string; message: string }; applied?: boolean; errors?: { line: number; message: string }[] }>(
        "POST",
        `/api/directors/${d1.name}/rules/import`,
        { text: `${text}\n`, mode },
      );
      // the kernel's refusal comes back as an error status, or as a report that was not applied
      const failure = r.status >= 400 ? r.body.error?.message : r.body.applied === false ? JSON.stringify(r.body.errors) : undefined;
      expect(failure, `${mode}: ${JSON.stringify(r.body).slice(0, 500)}`).toMatch(/Invalid operation|address not unicast|rolled back/);
      expect(await ipvsadm(d1.name, "-S", "-n")).toBe(before);
    }
    // the audit records the failure
    const audit = await api<{ ok: boolean | null }[]>("GET", "/api/audit?action=rules.import");
    expect(audit.body.slice(0, 2).map((e) => e.ok)).not.toContain(null);
  });

  it("a group drain that fails on the second director puts the first one's weight back", async () => {
    for (const d of [d1, d2]) {
      expect((await api("POST", `/api/directors/${d.name}/services`, { key: { protocol: "tcp", address: "192.0.2.70", port: 80 }, config: { scheduler: "wlc" } })).status).toBe(201);
      expect((await api("POST", `/api/directors/${d.name}/services/${encodeURIComponent(SVC)}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 4 } })).status).toBe(201);
    }
    // behind the server's back: dir2 loses the real server; the server still lists it there
    await ipvsadm(d2.name, "-d", "-t", "192.0.2.70:80", "-r", "10.0.0.11:80");
    expect(server.app.fleet.get(d2.name).state.services.get(SVC)?.destinations.has("10.0.0.11:80")).toBe(true);
    const before = [await ipvsadm(d1.name, "-S", "-n"), await ipvsadm(d2.name, "-S", "-n")];
    expect(before[0]).toContain("-a -t 192.0.2.70:80 -r 10.0.0.11:80 -g -w 4");

    const r = await api<{ error: { code: string; message: string } }>("POST", "/api/drains", { group: "ha", service: SVC, destination: "10.0.0.11:80" });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toContain(d2.name);
    // dir1 was set to weight 0 first (targets go in id order), then restored
    expect([await ipvsadm(d1.name, "-S", "-n"), await ipvsadm(d2.name, "-S", "-n")]).toEqual(before);
    const drains = await api<{ jobs: Record<string, unknown> }>("GET", "/api/drains");
    expect(Object.keys(drains.body.jobs)).toEqual([]);
    const audit = await api<{ action: string; ok: boolean | null }[]>("GET", "/api/audit?action=drain.start");
    expect(audit.body[0]).toMatchObject({ action: "drain.start", ok: false });
  });
});
