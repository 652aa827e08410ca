// Rules, connection table, sysctls and DR readiness through the server, against real agents
// whose handler modules run over a FakeIpvs, a fixture /proc/net/ip_vs_conn, a temp
// /proc/sys tree and a message-level fake of iproute2.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildRegistry } from "@/agent/handlers/handler-modules.ts";
import type { RunIp } from "@/agent/realserver/ip-command.ts";
import type { ConnEntry } from "@/protocol/conntable.ts";
import type { ConnsStreamLine, ReadinessFixResult, ReadinessView } from "@/protocol/dashboard/index.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { procFile } from "./conntable-fixtures.ts";
import { type TestServer, registration, removeDir, startServer, until } from "./server-helpers.ts";

let dir: string;
let s: TestServer | undefined;
let hs: Harness[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "server-host-"));
});
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  for (const h of hs) await h.close();
  await rm(dir, { recursive: true, force: true });
  s = undefined;
  hs = [];
});

async function procSys(root: string, files: Record<string, string>): Promise<void> {
  for (const [p, v] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), v);
  }
}

function conn(i: number, dest: string): ConnEntry {
  return {
    protocol: "TCP", clientAddress: `172.16.0.${2 + i}`, clientPort: 10_000 + i, virtualAddress: "172.16.0.100",
    virtualPort: 80, destAddress: dest, destPort: 80, state: i % 2 ? "ESTABLISHED" : "FIN_WAIT", expires: 100 + i, template: false,
  };
}

/** A director agent with every handler module over fakes. */
async function directorAgent(): Promise<{ h: Harness; ipvs: FakeIpvs }> {
  const ipvs = new FakeIpvs();
  const connTablePath = join(dir, "ip_vs_conn");
  await writeFile(connTablePath, procFile(Array.from({ length: 30 }, (_, i) => conn(i, i < 20 ? "10.0.0.11" : "10.0.0.12"))));
  const procSysRoot = join(dir, "dir-sys");
  await procSys(procSysRoot, { "net/ipv4/vs/expire_quiescent_template": "0\n", "net/ipv4/vs/conntrack": "0\n", "net/ipv4/ip_forward": "1\n" });
  const { registry } = await buildRegistry({
    role: "director",
    ipvs,
    host: { connTablePath, procSysRoot, sysctlPersistFile: join(dir, "dir-sysctl.conf") },
  });
  return { h: await startHarness({ registry }), ipvs };
}

/** A realserver agent: `lo` without the VIP, ARP sysctls at 0. */
async function realServerAgent(): Promise<Harness> {
  const procSysRoot = join(dir, "rs-sys");
  const files: Record<string, string> = {};
  for (const i of ["all", "default", "lo", "eth0"]) for (const k of ["arp_ignore", "arp_announce"]) files[`net/ipv4/conf/${i}/${k}`] = "0\n";
  await procSys(procSysRoot, files);
  const addrs = [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }];
  const runIp: RunIp = async (args) => {
    const a = args.join(" ");
    if (a === "-j addr show dev lo") return JSON.stringify([{ ifname: "lo", addr_info: addrs.map((x) => ({ ...x, scope: "host" })) }]);
    const add = /^-4 addr add (\S+)\/32 dev lo$/.exec(a);
    if (add) {
      addrs.push({ family: "inet", local: add[1]!, prefixlen: 32 });
      return "";
    }
    const route = /^-4 -j route show table local (\S+)$/.exec(a);
    if (route) return JSON.stringify(addrs.some((x) => x.local === route[1]) ? [{ type: "local", dst: route[1], dev: "lo" }] : []);
    throw new Error(`fake ip: unexpected argv ${a}`);
  };
  const { registry } = await buildRegistry({ role: "realserver", ipvs: null, host: { procSysRoot, runIp, sysctlPersistFile: join(dir, "rs-sysctl.conf") } });
  return startHarness({ role: "realserver", registry });
}

const RULES = "-A -t 172.16.0.100:80 -s wrr\n-a -t 172.16.0.100:80 -r 10.0.0.11:80 -g -w 1\n-a -t 172.16.0.100:80 -r 10.0.0.12:80 -g -w 2\n";

describe("server host routes", () => {
  it("rules: export text, diff (replace vs merge) and import with audit", async () => {
    const { h, ipvs } = await directorAgent();
    hs = [h];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online");
    await s.api("POST", "/api/directors/d1/services", { key: { protocol: "udp", address: "10.5.5.5", port: 53 }, config: { scheduler: "rr" } });
    const diff = await s.api<{ changes: { action: string }[] }>("POST", "/api/directors/d1/rules/diff", { text: RULES, mode: "replace" });
    expect(diff.body.changes.map((c) => c.action).sort()).toEqual(["create", "create", "create", "delete"]);
    const merge = await s.api<{ changes: { action: string }[] }>("POST", "/api/directors/d1/rules/diff", { text: RULES, mode: "merge" });
    expect(merge.body.changes.map((c) => c.action)).toEqual(["create", "create", "create"]);
    const imported = await s.api<{ applied: boolean; errors: unknown[] }>("POST", "/api/directors/d1/rules/import", { text: RULES, mode: "replace" });
    expect(imported.body).toMatchObject({ applied: true, errors: [] });
    expect([...ipvs.services.keys()]).toEqual(["tcp:172.16.0.100:80"]);
    // the server's view follows the import at once
    expect(s.app.fleet.get("d1").state.services.get("tcp:172.16.0.100:80")?.destinations.size).toBe(2);
    const exported = await s.fetch("/api/directors/d1/rules");
    expect(exported.headers.get("content-type")).toContain("text/plain");
    const text = await exported.text();
    expect(text).toContain("-A -t 172.16.0.100:80 -s wrr");
    expect(text).toContain("-a -t 172.16.0.100:80 -r 10.0.0.12:80 -g -w 2");
    const bad = await s.api<{ error: { code: string } }>("POST", "/api/directors/d1/rules/import", { text: RULES, mode: "sideways" });
    expect(bad.status).toBe(400);
    // refused by the agent (a real server of a service that does not exist): answered, nothing applied, and
    // the audit entry says it failed
    const refused = await s.api<{ applied: boolean; errors: unknown[] }>("POST", "/api/directors/d1/rules/import", {
      text: "-a -t 10.9.9.9:80 -r 10.0.0.13:80 -m -w 1\n",
      mode: "merge",
    });
    expect(refused.body.applied).toBe(false);
    expect(refused.body.errors.length).toBeGreaterThan(0);
    const audit = await s.api<{ action: string; ok: boolean }[]>("GET", "/api/audit?action=rules.import");
    expect(audit.body.map((e) => e.ok)).toEqual([false, true]);
  });

  it("conns: NDJSON progress then the result, with server-side filters and aggregates", async () => {
    const { h } = await directorAgent();
    hs = [h];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online");
    const res = await s.fetch(`/api/directors/d1/conns?realServer=10.0.0.11&state=ESTABLISHED&sort=client&limit=5&byState=1&byRealServer=1`);
    expect(res.headers.get("content-type")).toContain("application/x-ndjson");
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l) as ConnsStreamLine);
    expect(lines.at(-1)!.type).toBe("result");
    expect(lines.slice(0, -1).every((l) => l.type === "progress")).toBe(true);
    const result = lines.at(-1) as Extract<ConnsStreamLine, { type: "result" }>;
    expect(result.data.scanned).toBe(30);
    expect(result.data.matched).toBe(10);
    expect(result.data.entries).toHaveLength(5);
    expect(result.data.entries.every((e) => e.destAddress === "10.0.0.11" && e.state === "ESTABLISHED")).toBe(true);
    expect(result.data.aggregates.byRealServer).toEqual([{ address: "10.0.0.11", port: 80, active: 10, inactive: 0, templates: 0 }]);
    const bad = await s.api<{ error: { code: string } }>("GET", "/api/directors/d1/conns?limit=99999");
    expect(bad.status).toBe(400);
    expect((await s.api("GET", "/api/directors/d1/conns?vip=nonsense")).status).toBe(400);
  });

  it("sysctls: get and set with persist, refusals relayed", async () => {
    const { h } = await directorAgent();
    hs = [h];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online");
    const got = await s.api<{ values: Record<string, string> }>("GET", "/api/directors/d1/sysctls?names=net.ipv4.vs.expire_quiescent_template");
    expect(got.body.values).toEqual({ "net.ipv4.vs.expire_quiescent_template": "0" });
    const set = await s.api<{ previous: string; value: string; persisted: boolean }>("PUT", "/api/directors/d1/sysctls", { name: "net.ipv4.vs.expire_quiescent_template", value: "1", persist: true });
    expect(set.body).toMatchObject({ previous: "0", value: "1", persisted: true });
    const refused = await s.api<{ error: { code: string } }>("PUT", "/api/directors/d1/sysctls", { name: "net.ipv4.vs.conntrack", value: "7" });
    expect(refused.status).toBe(400);
    expect((await s.api("PUT", "/api/directors/d1/sysctls", { name: "kernel.panic", value: "1" })).status).toBe(400);
    const audit = await s.api<{ action: string; ok: boolean }[]>("GET", "/api/audit?action=sysctl.set");
    expect(audit.body.map((e) => e.ok)).toEqual([false, true]);
  });

  it("readiness: each DR real server's agent, or no agent; the fix binds the VIP and sets ARP", async () => {
    const { h } = await directorAgent();
    const rs = await realServerAgent();
    hs = [h, rs];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    await s.api("POST", "/api/directors", registration(rs, "rs1", { role: "realserver", addresses: ["10.0.0.11"] }));
    await until(() => s!.app.fleet.get("d1").online && s!.app.fleet.get("rs1").online, 10_000, "online");
    await s.api("POST", "/api/directors/d1/rules/import", { text: RULES, mode: "replace" });
    const key = encodeURIComponent("tcp:172.16.0.100:80");
    const r = await s.api<ReadinessView>("GET", `/api/readiness?director=d1&service=${key}`);
    expect(r.body.vip).toBe("172.16.0.100");
    const byDest = Object.fromEntries(r.body.realServers.map((e) => [e.destination, e]));
    expect(byDest["10.0.0.12:80"]).toMatchObject({ agent: null, status: "no_agent" });
    expect(byDest["10.0.0.11:80"]).toMatchObject({ agent: "rs1", status: "not_ready" });
    const fix = await s.api<ReadinessFixResult>("POST", "/api/readiness/fix", { agent: "rs1", vip: "172.16.0.100" });
    expect(fix.status).toBe(200);
    expect(fix.body.report.ready).toBe(true);
    expect(fix.body.applied).toContain("vip-on-lo");
    const again = await s.api<ReadinessView>("GET", `/api/readiness?director=d1&service=${key}`);
    expect(again.body.realServers.find((e) => e.agent === "rs1")?.status).toBe("ready");
    expect((await s.api("POST", "/api/readiness/fix", { agent: "d1", vip: "172.16.0.100" })).status).toBe(400);
    expect((await s.api("GET", "/api/readiness?director=d1&service=tcp%3A1.2.3.4%3A9")).status).toBe(404);
  });
});
