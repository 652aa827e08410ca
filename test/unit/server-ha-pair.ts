// The HA server tests' fixture: two (or more) director agents over FakeIpvs with the same
// table (SVC with DEST, and SVC2), in group "ha", dir1 VRRP MASTER, dir2 BACKUP (or agents
// without HA support), registered with a test server; waits until the group is seeded.
import type { GroupsView } from "@/protocol/dashboard/index.ts";
import type { VrrpState } from "@/protocol/ha.ts";
import { TOKEN } from "./agent-ws-harness.ts";
import type { FakeIpvs } from "./agent-ws-fakes.ts";
import { type HaAgent, haAgent } from "./server-ha-fakes.ts";
import { FAST, type TestServer, removeDir, startServer, until } from "./server-helpers.ts";

export const GROUP = "ha";
export const SVC_KEY = "tcp:172.16.0.100:80";
export const SVC2_KEY = "udp:172.16.0.100:53";
export const DEST_KEY = "10.0.0.11:80";
export const S = encodeURIComponent(SVC_KEY);
export const D = encodeURIComponent(DEST_KEY);

export async function seedTable(ipvs: FakeIpvs): Promise<void> {
  await ipvs.createService({ key: { protocol: "tcp", address: "172.16.0.100", port: 80 }, config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
  await ipvs.createDestination(
    { protocol: "tcp", address: "172.16.0.100", port: 80 },
    { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "masq", weight: 5, upperThreshold: 0, lowerThreshold: 0, tunnel: null } },
  );
  await ipvs.createService({ key: { protocol: "udp", address: "172.16.0.100", port: 53 }, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
  // the fixture is not a mutation the tests count
  ipvs.mutations = 0;
  ipvs.calls = [];
}

export interface Pair {
  s: TestServer;
  agents: HaAgent[];
  close(): Promise<void>;
}

/** dir1..dirN with the given VRRP states (null: the agent has no HA), all in GROUP. */
export async function startPair(states: (VrrpState | null)[] = ["MASTER", "BACKUP"], opts: { seed?: boolean; waitSeeded?: boolean } = {}): Promise<Pair> {
  const agents = await Promise.all(states.map((st) => haAgent(st)));
  if (opts.seed !== false) for (const a of agents) await seedTable(a.ipvs);
  // the production re-list (10 s) and drift check (2.5 s): drift within 5 s is the group's doing
  const s = await startServer({ link: { ...FAST.link, relistMs: 10_000 } });
  for (const [i, a] of agents.entries()) {
    const r = await s.api("POST", "/api/directors", { name: `dir${i + 1}`, url: a.h.server.url, token: TOKEN, group: GROUP });
    if (r.status !== 201) throw new Error(`register dir${i + 1}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await until(() => agents.every((_a, i) => s.app.fleet.get(`dir${i + 1}`).online), 10_000, "all online");
  if (opts.waitSeeded !== false) await until(() => s.app.groups.desired(GROUP), 10_000, "group seeded");
  return {
    s,
    agents,
    async close() {
      await s.close();
      removeDir(s.dataDir);
      for (const a of agents) await a.h.close();
    },
  };
}

export async function groups(s: TestServer): Promise<GroupsView> {
  return (await s.api<GroupsView>("GET", "/api/groups")).body;
}
