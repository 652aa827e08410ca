// VRRP in the live views with fake agents: a failover (dir1 leaves MASTER, dir2 becomes it)
// is on the browser's live fleet and groups topics within 3 s and in the audit log (user
// "vrrp", from/to/time); keepalived dying shows with its error; after a relink the link
// subscribes again, and a transition that happened while it was down is audited once.
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry, FleetView, GroupsView } from "@/protocol/dashboard/index.ts";
import { apply } from "@/protocol/merge-patch.ts";
import { startHarness } from "./agent-ws-harness.ts";
import { GROUP, type Pair, startPair } from "./server-ha-pair.ts";
import { LivePeer, until } from "./server-helpers.ts";

let p: Pair | undefined;
let peer: LivePeer | undefined;
afterEach(async () => {
  peer?.close();
  await p?.close();
  p = undefined;
  peer = undefined;
});

function live<T>(peer: LivePeer, topic: string): T | undefined {
  let state: unknown;
  for (const m of peer.messages) {
    if (m.topic !== topic) continue;
    state = m.type === "snapshot" ? m.data : apply(state, m.patch);
  }
  return state as T | undefined;
}

const transitions = async (p: Pair) =>
  (await p.s.api<AuditEntry[]>("GET", "/api/audit?action=ha.transition")).body.sort((a, b) => a.id - b.id);

describe("VRRP in the live views", () => {
  it("a failover is pushed within 3 s on the fleet and groups topics and audited with from/to/time", async () => {
    p = await startPair();
    peer = await LivePeer.open(p.s.url);
    peer.send({ type: "subscribe", topic: "fleet" });
    peer.send({ type: "subscribe", topic: "groups" });
    await until(() => live<FleetView>(peer!, "fleet")?.directors.dir1?.ha?.role === "MASTER", 5000, "dir1 MASTER on the live fleet");
    const fleet0 = live<FleetView>(peer, "fleet")!;
    expect(fleet0.directors.dir1!.ha).toMatchObject({
      status: "active",
      vipsHeld: ["172.16.0.100/32"],
      instances: { VI_1: { state: "MASTER", virtualRouterId: 51, vips: ["172.16.0.100/32"], vipsHeld: ["172.16.0.100/32"] } },
      keepalived: { running: true, mode: "managed" },
      lastTransition: { instance: "VI_1", to: "MASTER" },
    });
    expect(fleet0.directors.dir2!.ha).toMatchObject({ role: "BACKUP", vipsHeld: [] });
    // the startup transitions happened before the server watched: not audited
    expect(await transitions(p)).toEqual([]);

    const [ha1, ha2] = p.agents.map((a) => a.ha!);
    const t0 = Date.now();
    ha1!.transition("BACKUP", t0);
    ha2!.transition("MASTER", t0 + 5);
    await until(() => {
      const d = live<FleetView>(peer!, "fleet")?.directors;
      return d?.dir2?.ha?.role === "MASTER" && d.dir1?.ha?.role === "BACKUP";
    }, 3000, "the failover on the live fleet topic within 3 s");
    expect(Date.now() - t0).toBeLessThan(3000);
    const d2 = live<FleetView>(peer, "fleet")!.directors.dir2!.ha!;
    expect(d2.vipsHeld).toEqual(["172.16.0.100/32"]);
    expect(d2.lastTransition).toEqual({ instance: "VI_1", from: "BACKUP", to: "MASTER", at: t0 + 5 });
    expect(d2.instances.VI_1!.since).toBe(t0 + 5);
    await until(() => live<GroupsView>(peer!, "groups")?.groups[GROUP]?.master === "dir2", 3000, "the group's master on the groups topic");
    expect(live<GroupsView>(peer, "groups")!.groups[GROUP]!.vipOwners).toEqual({ "172.16.0.100/32": "dir2" });

    const audit = await transitions(p);
    expect(audit.map((e) => [e.user, e.director, e.target, e.request])).toEqual([
      ["vrrp", "dir1", "VI_1", { group: GROUP, instance: "VI_1", from: "MASTER", to: "BACKUP", at: t0 }],
      ["vrrp", "dir2", "VI_1", { group: GROUP, instance: "VI_1", from: "BACKUP", to: "MASTER", at: t0 + 5 }],
    ]);
    expect(audit.every((e) => e.ok === true)).toBe(true);
  });

  it("keepalived dying shows with its error; a FAULT that is not a MASTER change is not audited", async () => {
    p = await startPair();
    peer = await LivePeer.open(p.s.url);
    peer.send({ type: "subscribe", topic: "fleet" });
    await until(() => live<FleetView>(peer!, "fleet")?.directors.dir2?.ha?.status === "active", 5000, "dir2 active");
    p.agents[1]!.ha!.transition("FAULT");
    p.agents[1]!.ha!.keepalivedDied("keepalived exited with code 1: Configuration file has errors");
    await until(() => live<FleetView>(peer!, "fleet")?.directors.dir2?.ha?.keepalived?.running === false, 3000, "keepalived down on the live topic");
    const ha = live<FleetView>(peer, "fleet")!.directors.dir2!.ha!;
    expect(ha.keepalived!.error).toBe("keepalived exited with code 1: Configuration file has errors");
    expect(ha.error).toBe("keepalived exited with code 1: Configuration file has errors");
    expect(ha.role).toBe("FAULT");
    expect(await transitions(p)).toEqual([]);
  });

  it("after a relink the link subscribes again; a transition made while it was down is audited once", async () => {
    p = await startPair();
    const a1 = p.agents[0]!;
    await until(() => p!.s.app.fleet.get("dir1").ha.status === "active", 5000, "dir1 active");
    const port = a1.h.server.port;
    await a1.h.server.close();
    await until(() => !p!.s.app.fleet.get("dir1").online, 5000, "dir1 offline");
    const at = Date.now();
    a1.ha!.transition("BACKUP", at);
    const again = await startHarness({ registry: a1.h.registry, port });
    try {
      await until(() => p!.s.app.fleet.get("dir1").ha.role() === "BACKUP", 10_000, "dir1 BACKUP after the relink");
      await until(async () => (await transitions(p!)).length === 1, 3000, "the missed transition audited");
      expect((await transitions(p)).map((e) => e.request)).toEqual([{ group: GROUP, instance: "VI_1", from: "MASTER", to: "BACKUP", at }]);
      // the new subscription delivers events
      a1.ha!.transition("MASTER");
      await until(() => p!.s.app.fleet.get("dir1").ha.role() === "MASTER", 3000, "dir1 MASTER through the new subscription");
      await until(async () => (await transitions(p!)).length === 2, 3000, "audited once more");
    } finally {
      await again.close();
    }
  });
});
