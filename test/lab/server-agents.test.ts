// The dashboard server (in-process, without Next) against the real agents of the lab's
// directors: a service and a real server created through REST are what `ipvsadm -S -n`
// shows, a drain sets the kernel's weight to 0 (undrain restores it), a real director that
// stops answering is offline within 3 s, and real traffic reaches the stats history.
// Only test services in 192.0.2.0/24 are created; the default NAT service carries traffic.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectorInfo, DrainJob, History } from "@/protocol/dashboard/index.ts";
import { type RunningServer, createServer } from "@/server/http/server.ts";
import { restartAgent } from "@/lab/api.ts";
import { ADMIN, type Client, login } from "../unit/server-helpers.ts";
import { director, ipvsadm, labInstance, labState, resetRules, sh } from "./lab.ts";

const d = director(1);
const SVC = "tcp:192.0.2.50:80";
const KEY = encodeURIComponent(SVC);
let server: RunningServer;
let dataDir: string;

let admin: Client;

/** REST as the signed-in admin (session cookie and CSRF header). */
async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await admin.api<T>(method, path, body);
  return { status: r.status, body: r.body };
}

async function until<T>(check: () => Promise<T> | T, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function saved(): Promise<string[]> {
  return (await ipvsadm(d.name, "-S", "-n")).split("\n").filter((l) => l.includes("192.0.2.50")).sort();
}

async function cleanup(): Promise<void> {
  if ((await saved()).length > 0) await ipvsadm(d.name, "-D", "-t", "192.0.2.50:80");
}

describe("dashboard server with the lab's real agents", () => {
  beforeAll(async () => {
    await cleanup();
    dataDir = mkdtempSync(join(tmpdir(), "server-lab-"));
    server = await createServer({ port: 0, dataDir, auth: { initialAdmin: ADMIN }, link: { statsIntervalMs: 1000 } });
    admin = await login(server.url, ADMIN.username, ADMIN.password);
    const r = await api<DirectorInfo>("POST", "/api/directors", { name: d.name, url: d.agentUrl, token: d.agentToken });
    expect(r.status).toBe(201);
    await until(() => server.app.fleet.get(d.name).online, 30_000, `${d.name} online`);
  });
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await cleanup();
  });

  it("creates a service and a real server that ipvsadm -S -n shows", async () => {
    const info = await api<DirectorInfo>("GET", `/api/directors/${d.name}`);
    expect(info.body.director.ipvsVersion).toMatch(/^1\.2\./);
    const svc = await api("POST", `/api/directors/${d.name}/services`, { key: { protocol: "tcp", address: "192.0.2.50", port: 80 }, config: { scheduler: "wlc" } });
    expect(svc.status).toBe(201);
    const dest = await api("POST", `/api/directors/${d.name}/services/${KEY}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 4 } });
    expect(dest.status).toBe(201);
    expect(await saved()).toEqual(["-A -t 192.0.2.50:80 -s wlc", "-a -t 192.0.2.50:80 -r 10.0.0.11:80 -g -w 4"]);
    // the kernel's refusal comes back with its code
    const dup = await api<{ error: { code: string } }>("POST", `/api/directors/${d.name}/services`, { key: { protocol: "tcp", address: "192.0.2.50", port: 80 }, config: { scheduler: "rr" } });
    expect(dup.status).toBe(409);
  });

  it("drain sets the kernel weight to 0; drained at 0 connections; undrain restores it", async () => {
    const job = await api<DrainJob>("POST", "/api/drains", { director: d.name, service: SVC, destination: "10.0.0.11:80" });
    expect(job.status).toBe(201);
    expect(await saved()).toContain("-a -t 192.0.2.50:80 -r 10.0.0.11:80 -g -w 0");
    // nobody talks to this test service: the job sees 0/0 in the next stats events
    await until(async () => (await api<DrainJob>("GET", `/api/drains/${job.body.id}`)).body.status === "drained", 10_000, "drained");
    const und = await api<DrainJob>("POST", `/api/drains/${job.body.id}/undrain`);
    expect(und.body.status).toBe("undrained");
    expect(await saved()).toContain("-a -t 192.0.2.50:80 -r 10.0.0.11:80 -g -w 4");
  });

  it("real traffic reaches the 1 s history of the NAT service", async () => {
    if (!(await ipvsadm(d.name, "-S", "-n")).includes("172.16.0.100:80")) await resetRules(d.name);
    const client = `${d.name}-c`;
    expect(labState().directors.some((x) => x.name === d.name)).toBe(true);
    await sh(client, "i=0; while [ $i -lt 8 ]; do busybox timeout 5 busybox wget -q -O /dev/null http://172.16.0.100/; i=$((i+1)); done");
    const key = encodeURIComponent("tcp:172.16.0.100:80");
    const h = await until(async () => {
      const r = await api<History>("GET", `/api/directors/${d.name}/history?service=${key}&range=15m`);
      const seen = r.body.total.inactiveConns.some((v) => (v ?? 0) > 0) || r.body.total.cps.some((v) => (v ?? 0) > 0);
      return seen ? r.body : null;
    }, 15_000, "traffic in the history");
    expect(h.step).toBe(1);
    expect(Object.keys(h.destinations).length).toBeGreaterThan(0);
  });

  it("a director whose agent stops is offline within 3 s, and online again when it is back", async () => {
    await restartAgent(labInstance(), d.name, { stopOnly: true });
    const t0 = Date.now();
    await until(() => server.app.fleet.get(d.name).link === "offline", 3_000, "offline");
    expect(Date.now() - t0).toBeLessThan(3_000);
    await restartAgent(labInstance(), d.name);
    await until(() => server.app.fleet.get(d.name).online, 30_000, "online again");
  });
});
