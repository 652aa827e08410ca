// Drift with fake agents: a member changed by hand (as with ipvsadm -e / -E) is flagged within
// 5 s, its drift is the ipvsadm-save diff plus the change list, the preview of "Make identical"
// lists exactly what a real run applies, and the run applies only those changes (no flush, so
// the counters of the rest survive) after which both members export byte-identical tables.
import { afterEach, describe, expect, it } from "vitest";
import { type AuditEntry, DrainJob, GroupDrift, GroupsView, MakeIdenticalResult } from "@/protocol/dashboard/index.ts";
import { LivePeer, until } from "./server-helpers.ts";
import { apply } from "@/protocol/merge-patch.ts";
import { GROUP, type Pair, SVC2_KEY, SVC_KEY, groups, startPair } from "./server-ha-pair.ts";

let p: Pair | undefined;
let peer: LivePeer | undefined;
afterEach(async () => {
  peer?.close();
  await p?.close();
  p = undefined;
  peer = undefined;
});

function liveGroups(peer: LivePeer): GroupsView | undefined {
  let state: unknown;
  for (const m of peer.messages) {
    if (m.topic !== "groups") continue;
    state = m.type === "snapshot" ? m.data : apply(state, m.patch);
  }
  return state as GroupsView | undefined;
}

describe("HA drift", () => {
  it("a hand-made change is flagged within 5 s; the preview is exactly what make-identical applies; then the tables are identical", async () => {
    p = await startPair();
    const [dir1, dir2] = p.agents.map((a) => a.ipvs);
    peer = await LivePeer.open(p.s.url);
    peer.send({ type: "subscribe", topic: "groups" });
    await until(() => liveGroups(peer!)?.groups[GROUP]?.members.dir2?.drift === "in_sync", 10_000, "in sync on the live topic");
    // counters that must survive
    dir2!.services.get(SVC_KEY)!.destinations[0]!.stats.conns = 1234;
    dir2!.services.get(SVC2_KEY)!.stats.conns = 77;
    // "ipvsadm -e ... -w 3" and "ipvsadm -E -t ... -s rr" on dir2, "ipvsadm -D -u ..." too
    const t0 = Date.now();
    dir2!.services.get(SVC_KEY)!.destinations[0]!.config.weight = 3;
    dir2!.services.get(SVC_KEY)!.config.scheduler = "rr";
    await until(() => liveGroups(peer!)?.groups[GROUP]?.members.dir2?.drift === "drifted", 5000, "drift on the live topic");
    expect(Date.now() - t0).toBeLessThan(5000);
    // the scheduler change is not in the stats events: only the drift re-list sees it
    await until(() => liveGroups(peer!)?.groups[GROUP]?.members.dir2?.changes === 2, 5000, "both changes counted");
    expect(Date.now() - t0).toBeLessThan(5000);
    const g = GroupsView.parse(await groups(p.s)).groups[GROUP]!;
    expect(g.drifted).toEqual(["dir2"]);
    expect(g.members.dir1!.drift).toBe("in_sync");
    expect(g.members.dir2!.driftSince).toBeGreaterThanOrEqual(t0 - 1000);

    const drift = GroupDrift.parse((await p.s.api("GET", `/api/groups/${GROUP}/drift`)).body);
    expect(drift.members.dir1).toMatchObject({ status: "in_sync", diff: [], changes: [] });
    expect(drift.members.dir2!.status).toBe("drifted");
    expect(drift.members.dir2!.diff).toEqual([
      "--A -t 172.16.0.100:80 -s rr",
      "+-A -t 172.16.0.100:80 -s wlc",
      "--a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 3",
      "+-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 5",
    ]);
    expect(drift.members.dir2!.changes.map((c) => [c.action, c.destination?.address ?? null])).toEqual([
      ["update", null],
      ["update", "10.0.0.11"],
    ]);

    // the preview: the same list, nothing applied, nothing audited
    const preview = await p.s.api("POST", `/api/groups/${GROUP}/identical`, { dryRun: true });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const pv = MakeIdenticalResult.parse(preview.body);
    expect(pv.members.dir1).toMatchObject({ status: "unchanged", changes: [] });
    expect(pv.members.dir2).toMatchObject({ status: "would_change", applied: 0 });
    expect(pv.members.dir2!.changes).toEqual(drift.members.dir2!.changes);
    expect(dir2!.mutations).toBe(0);
    expect((await p.s.api<AuditEntry[]>("GET", "/api/audit?action=group.identical")).body).toEqual([]);

    const run = MakeIdenticalResult.parse((await p.s.api("POST", `/api/groups/${GROUP}/identical`, {})).body);
    expect(run.members.dir2).toMatchObject({ status: "changed", applied: 2, error: null });
    expect(run.members.dir2!.changes).toEqual(pv.members.dir2!.changes);
    // the minimal change: one service update and one real-server update, no flush or re-create
    expect(dir2!.calls).toEqual(["updateService", "updateDestination"]);
    expect(dir1!.calls).toEqual([]);
    expect(dir2!.services.get(SVC_KEY)!.destinations[0]!.stats.conns).toBe(1234);
    expect(dir2!.services.get(SVC2_KEY)!.stats.conns).toBe(77);
    const t1 = await p.s.api<string>("GET", "/api/directors/dir1/rules");
    const t2 = await p.s.api<string>("GET", "/api/directors/dir2/rules");
    expect(t2.body).toBe(t1.body);
    expect(t1.body).toBe(drift.desired);
    await until(() => liveGroups(peer!)?.groups[GROUP]?.members.dir2?.drift === "in_sync", 10_000, "in sync again");
    const audit = (await p.s.api<AuditEntry[]>("GET", "/api/audit?action=group.identical")).body;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ ok: true, target: GROUP, director: null });
    expect((audit[0]!.before as Record<string, string>).dir2).toContain("-w 3");
    expect((audit[0]!.after as Record<string, string>).dir2).toBe(t1.body);
  });

  it("missing and extra services: created and deleted one by one; a refusal part way is rolled back on that member", async () => {
    p = await startPair();
    const dir2 = p.agents[1]!.ipvs;
    dir2.services.delete(SVC_KEY);
    await dir2.createService({ key: { protocol: "tcp", address: "172.16.0.200", port: 8080 }, config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    dir2.calls = [];
    await until(async () => GroupsView.parse(await groups(p!.s)).groups[GROUP]!.members.dir2!.changes === 3, 5000, "drift of 3");
    // refuse the second change: the first is undone
    dir2.failOn = dir2.mutations + 2;
    const failed = MakeIdenticalResult.parse((await p.s.api("POST", `/api/groups/${GROUP}/identical`, { members: ["dir2"] })).body);
    expect(failed.members.dir2).toMatchObject({ status: "failed", applied: 0 });
    expect(failed.members.dir2!.error!.message).toMatch(/dir2 refused .*rolled back/);
    expect(failed.members.dir1).toBeUndefined();
    expect([...dir2.services.keys()].sort()).toEqual(["tcp:172.16.0.200:8080", "udp:172.16.0.100:53"]);
    expect((await p.s.api<AuditEntry[]>("GET", "/api/audit?action=group.identical")).body[0]).toMatchObject({ ok: false });

    dir2.calls = [];
    const run = MakeIdenticalResult.parse((await p.s.api("POST", `/api/groups/${GROUP}/identical`, {})).body);
    expect(run.members.dir2!.status).toBe("changed");
    expect(dir2.calls).toEqual(["createService", "createDestination", "deleteService"]);
    const [t1, t2] = await Promise.all(["dir1", "dir2"].map(async (d) => (await p!.s.api<string>("GET", `/api/directors/${d}/rules`)).body));
    expect(t2).toBe(t1);
  });

  it("a group drain names the members that lack the service instead of skipping them silently", async () => {
    p = await startPair();
    p.agents[1]!.ipvs.services.delete(SVC_KEY);
    await until(() => !p!.s.app.fleet.get("dir2").state.services.has(SVC_KEY), 5000, "dir2 lost the service");
    const r = await p.s.api<DrainJob>("POST", "/api/drains", { group: GROUP, service: SVC_KEY, destination: "10.0.0.11:80" });
    expect(r.status).toBe(201);
    const job = DrainJob.parse(r.body);
    expect(Object.keys(job.targets)).toEqual(["dir1"]);
    expect(job.skipped).toEqual({ dir2: `dir2 has no service ${SVC_KEY}` });
    // both members with the real server: both count down (a backup's synced entries included)
    const q = await p.s.api<DrainJob>("POST", `/api/groups/${GROUP}/services/${encodeURIComponent(SVC2_KEY)}/destinations`, { key: { address: "10.0.0.21", port: 53 }, config: { forwarding: "masq", weight: 1 } });
    expect(q.status).toBe(201);
    for (const [i, a] of p.agents.entries()) a.ipvs.services.get(SVC2_KEY)!.destinations[0]!.inactiveConns = 3 + i;
    const both = DrainJob.parse((await p.s.api("POST", "/api/drains", { group: GROUP, service: SVC2_KEY, destination: "10.0.0.21:53" })).body);
    expect(Object.keys(both.targets).sort()).toEqual(["dir1", "dir2"]);
    expect(both.skipped).toBeUndefined();
    await until(() => {
      const t = p!.s.app.drains.get(both.id).targets;
      return t.dir1?.inactiveConns === 3 && t.dir2?.inactiveConns === 4;
    }, 5000, "both members counted");
  });
});
