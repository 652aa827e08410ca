// The dashboard server as a child process (lab/dashboard.ts startDashboard, `npm start`'s
// main.ts) against the lab's real agents, killed with SIGKILL (its whole process group) and
// started again on the same data folder:
// - it reconnects to every agent (both directors and their realserver agents) within 5 s of
//   answering HTTP again;
// - a drain job that was draining resumes: its count keeps falling after the restart and the
//   job finishes (UDP entries on a test service, expiring after a short udp timeout);
// - no audit entry is lost: every entry written before the kill is there, unchanged, and an
//   entry whose action was cut off by the kill is there too, shown incomplete (ok: null), not
//   dropped. The cut-off action goes to a stub agent in this process (the real agent code over
//   a fake table whose service creation never returns), registered as one more director, so
//   that no real agent is still busy with it while the restarted server reconnects.
// Agent restarts (table untouched) and a guest reboot with --restore (rules and sysctls
// byte-identical) are covered in test/lab/agent-restore.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, dashboardLogin, labDirectorsForDashboard, sessionApi, startDashboard } from "@/lab/dashboard.ts";
import { AUDIT_INTERRUPTED_RESULT, type AuditEntry, type DrainJob, type FleetView } from "@/protocol/dashboard/index.ts";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { statsHandlers } from "@/agent/handlers/stats.ts";
import { type Harness, TOKEN, startHarness } from "../unit/agent-ws-harness.ts";
import { FakeIpvs } from "../unit/agent-ws-fakes.ts";
import { director, ipvsadm, labState, ok } from "./lab.ts";

/** A table whose service creation never finishes: the request is in flight at the kill. */
class HangingIpvs extends FakeIpvs {
  override createService(): Promise<void> {
    return new Promise(() => {});
  }
}

const d1 = director(1);
const d2 = director(2);
const VIP = "172.16.0.100";
const SVC = `udp:${VIP}:5353`;
const KEY = encodeURIComponent(SVC);
const DEST = "10.0.0.11:5353";
let dataDir: string;
let dash: Dashboard | undefined;
let session = { cookie: "", csrf: "" };
let stub: Harness | undefined;

const api = sessionApi(() => ({ url: dash!.url, session }));

async function until<T>(check: () => Promise<T> | T, timeoutMs: number, what: string, stepMs = 100): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${dash ? `\n${dash.output().slice(-2000)}` : ""}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

async function start(): Promise<void> {
  // npm start needs a production build (npm test makes one; NEXT_DIST_DIR picks another)
  dash = await startDashboard({ directors: labDirectorsForDashboard(labState(), "ha"), dataDir, startTimeoutMs: 120_000 });
  session = await dashboardLogin(dash);
}

/** SIGKILL to the server's process group: no shutdown handler runs. */
async function crash(): Promise<void> {
  const proc = dash!.proc;
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  process.kill(-proc.pid!, "SIGKILL");
  await exited;
}

const allOnline = async () => {
  const r = await api<FleetView>("GET", "/api/directors");
  const links = Object.values(r.body?.directors ?? {});
  return links.length === labDirectorsForDashboard(labState(), "ha").length + 1 && links.every((l) => l.link === "online");
};

/** UDP datagrams from `n` source ports of dir1's client: `n` connection entries on the VIP. */
async function udpEntries(n: number): Promise<void> {
  const js = `const d=require("dgram");let k=0;for(let i=0;i<${n};i++){const s=d.createSocket("udp4");s.send("x",5353,"${VIP}",()=>{s.close();if(++k===${n})process.exit(0)})}`;
  await ok(`${d1.name}-c`, ["node", "-e", js]);
}

async function cleanup(): Promise<void> {
  for (const d of [d1, d2]) {
    if ((await ipvsadm(d.name, "-S", "-n")).includes(`${VIP}:5353`)) await ipvsadm(d.name, "-D", "-u", `${VIP}:5353`);
  }
  await ipvsadm(d1.name, "--set", "900", "120", "300");
}

describe("dashboard server kill -9 and restart (real agents)", () => {
  beforeAll(async () => {
    await cleanup();
    dataDir = mkdtempSync(join(tmpdir(), "server-crash-"));
    await start();
    const hanging = new HangingIpvs();
    stub = await startHarness({ registry: new HandlerRegistry().use(ipvsHandlers(hanging)).use(statsHandlers(hanging)) });
    expect((await api("POST", "/api/directors", { name: "stub", url: stub.server.url, token: TOKEN })).status).toBe(201);
    await until(allOnline, 30_000, "every agent online");
  }, 180_000);
  afterAll(async () => {
    await dash?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await stub?.close();
    await cleanup();
  }, 120_000);

  it("reconnects within 5 s, resumes the drain to its end, and keeps every audit entry", async () => {
    // a drain with connections to count down: UDP entries live 45 s after their last packet
    await ipvsadm(d1.name, "--set", "0", "0", "45");
    expect((await api("POST", `/api/directors/${d1.name}/services`, { key: { protocol: "udp", address: VIP, port: 5353 }, config: { scheduler: "rr" } })).status).toBe(201);
    expect((await api("POST", `/api/directors/${d1.name}/services/${KEY}/destinations`, { key: { address: "10.0.0.11", port: 5353 }, config: { forwarding: "masq", weight: 3 } })).status).toBe(201);
    await udpEntries(6);
    const job = await api<DrainJob>("POST", "/api/drains", { director: d1.name, service: SVC, destination: DEST });
    expect(job.status).toBe(201);
    expect(await ipvsadm(d1.name, "-S", "-n")).toContain(`-a -u ${VIP}:5353 -r ${DEST} -m -w 0`);
    const counting = await until(async () => {
      const j = (await api<DrainJob>("GET", `/api/drains/${job.body.id}`)).body;
      const t = j.targets[d1.name]!;
      return t.activeConns + t.inactiveConns > 0 ? j : null;
    }, 10_000, "the job counting the UDP entries");
    expect(counting.status).toBe("draining");

    // an action cut off by the kill (its audit "after" never written)
    const creating = api("POST", "/api/directors/stub/services", { key: { protocol: "tcp", address: "192.0.2.80", port: 80 }, config: { scheduler: "rr" } }).catch(() => null);
    const inFlight = await until(async () => (await api<AuditEntry[]>("GET", "/api/audit?action=service.create")).body.find((e) => e.ok === null), 20_000, "the cut-off action's audit entry", 20);
    const before = (await api<AuditEntry[]>("GET", "/api/audit?limit=1000")).body;
    expect(before.length).toBeGreaterThan(3);

    await crash();
    await creating;
    await start();
    const up = Date.now();
    await until(allOnline, 5_000, "every agent online within 5 s of the restart", 50);
    expect(Date.now() - up).toBeLessThan(5_000);

    // the audit: everything written before the kill, unchanged (complete entries) or, when its
    // outcome was never recorded, completed at start as interrupted; never dropped
    const after = (await api<AuditEntry[]>("GET", "/api/audit?limit=1000")).body;
    const byId = new Map(after.map((e) => [e.id, e]));
    for (const e of before) {
      const now = byId.get(e.id);
      expect(now, `audit entry ${e.id} (${e.action}) lost`).toBeDefined();
      if (e.ok !== null) expect(now).toEqual(e);
      else expect(now).toMatchObject({ action: e.action, time: e.time, user: e.user, ok: false, result: AUDIT_INTERRUPTED_RESULT });
    }
    expect(byId.get(inFlight.id)).toMatchObject({ action: "service.create", ok: false, director: "stub", result: AUDIT_INTERRUPTED_RESULT });

    // the drain resumes from SQLite: still draining, the count falls, the job finishes
    const resumed = (await api<DrainJob>("GET", `/api/drains/${job.body.id}`)).body;
    expect(resumed.status).toBe("draining");
    expect(resumed.targets[d1.name]!.previousWeight).toBe(3);
    const done = await until(async () => {
      const j = (await api<DrainJob>("GET", `/api/drains/${job.body.id}`)).body;
      return j.status === "drained" ? j : null;
    }, 60_000, "the resumed job drained", 500);
    expect(done.targets[d1.name]).toMatchObject({ status: "drained", activeConns: 0, inactiveConns: 0 });
    expect(await ipvsadm(d1.name, "-S", "-n")).toContain(`-a -u ${VIP}:5353 -r ${DEST} -m -w 0`);
    // and it can be finished from the new process: undrain restores the remembered weight
    expect((await api<DrainJob>("POST", `/api/drains/${job.body.id}/undrain`)).body.status).toBe("undrained");
    expect(await ipvsadm(d1.name, "-S", "-n")).toContain(`-a -u ${VIP}:5353 -r ${DEST} -m -w 3`);
  }, 240_000);
});
