// GET /api/readiness/fleet: every online director's DR real servers grouped by the realserver
// agent answering for their address, failures first, with the agent asked once per VIP
// however many directors send to it (the fleet page's one request instead of a browser fan-out).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildRegistry } from "@/agent/handlers/handler-modules.ts";
import type { RunIp } from "@/agent/realserver/ip-command.ts";
import type { FleetReadinessView } from "@/protocol/dashboard/fleet-readiness.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { agents, registration, removeDir, startServer, type TestServer, until } from "./server-helpers.ts";

let dir: string;
let s: TestServer | undefined;
let hs: Harness[] = [];
let lookups = 0;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "server-fleet-readiness-"));
  lookups = 0;
});
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  for (const h of hs) await h.close();
  await rm(dir, { recursive: true, force: true });
  s = undefined;
  hs = [];
});

/** A realserver agent: `lo` without the VIP, ARP sysctls at 0; counts its `ip addr` reads. */
async function realServerAgent(): Promise<Harness> {
  const procSysRoot = join(dir, "rs-sys");
  for (const i of ["all", "default", "lo", "eth0"]) {
    for (const k of ["arp_ignore", "arp_announce"]) {
      const p = join(procSysRoot, `net/ipv4/conf/${i}/${k}`);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, "0\n");
    }
  }
  const runIp: RunIp = async (args) => {
    const a = args.join(" ");
    if (a === "-j addr show dev lo") {
      lookups++;
      return JSON.stringify([{ ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host" }] }]);
    }
    if (/^-4 -j route show table local \S+$/.test(a)) return "[]";
    throw new Error(`fake ip: unexpected argv ${a}`);
  };
  const { registry } = await buildRegistry({ role: "realserver", ipvs: null, host: { procSysRoot, runIp, sysctlPersistFile: join(dir, "rs-sysctl.conf") } });
  return startHarness({ role: "realserver", registry });
}

/** a DR service to 10.0.0.11 (the agent's) and 10.0.0.12 (no agent), and a masq one */
const TABLE: [string, [string, "route" | "masq"][]][] = [
  ["172.16.0.100", [["10.0.0.11", "route"], ["10.0.0.12", "route"]]],
  ["172.16.0.101", [["10.0.0.11", "masq"]]],
];

describe("GET /api/readiness/fleet", () => {
  it("groups the online directors' DR real servers by agent, asking the agent once per VIP", async () => {
    const [d1, d2] = await agents(2);
    const rs = await realServerAgent();
    hs = [d1!, d2!, rs];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(d1!, "d1"));
    await s.api("POST", "/api/directors", registration(d2!, "d2"));
    await s.api("POST", "/api/directors", registration(rs, "rs1", { role: "realserver", addresses: ["10.0.0.11"] }));
    await until(() => ["d1", "d2", "rs1"].every((id) => s!.app.fleet.get(id).online), 10_000, "online");
    for (const d of ["d1", "d2"]) {
      for (const [vip, rss] of TABLE) {
        expect((await s.api("POST", `/api/directors/${d}/services`, { key: { protocol: "tcp", address: vip, port: 80 }, config: { scheduler: "rr" } })).status).toBe(201);
        for (const [address, forwarding] of rss) {
          const path = `/api/directors/${d}/services/${encodeURIComponent(`tcp:${vip}:80`)}/destinations`;
          expect((await s.api("POST", path, { key: { address, port: 80 }, config: { forwarding, weight: 1 } })).status).toBe(201);
        }
      }
    }

    const one = lookups;
    await s.api("GET", `/api/readiness?director=d1&service=${encodeURIComponent("tcp:172.16.0.100:80")}`);
    const perCheck = lookups - one;
    expect(perCheck).toBeGreaterThan(0);

    const viewer = await s.client("viewer");
    const before = lookups;
    const r = await viewer.api<FleetReadinessView>("GET", "/api/readiness/fleet");
    expect(r.status).toBe(200);
    // two directors send 172.16.0.100 to 10.0.0.11: one check; the masq service is not DR
    expect(lookups - before).toBe(perCheck);
    expect(Object.keys(r.body.byAgent)).toEqual(["rs1"]);
    expect(r.body.byAgent.rs1!.map((x) => [x.director, x.service, x.vip, x.entry.destination, x.entry.status])).toEqual([
      ["d1", "tcp:172.16.0.100:80", "172.16.0.100", "10.0.0.11:80", "not_ready"],
      ["d2", "tcp:172.16.0.100:80", "172.16.0.100", "10.0.0.11:80", "not_ready"],
    ]);
    expect(r.body.errors).toEqual([]);

    // an offline director's services are not asked about
    await d2!.close();
    await until(() => !s!.app.fleet.get("d2").online, 10_000, "d2 offline");
    const after = await viewer.api<FleetReadinessView>("GET", "/api/readiness/fleet");
    expect(after.body.byAgent.rs1!.map((x) => x.director)).toEqual(["d1"]);
    expect((await s.anonymous.api("GET", "/api/readiness/fleet")).status).toBe(401);
  });
});
