// HA groups on the server with fake agents: the group is seeded from the VRRP MASTER; a
// change on the group reaches every member, audited once; a refusal rolls back the members
// already changed and leaves the desired table as it was; stale versions are 409; agents
// that answer `unsupported` for ha.* are members without HA, not errors; roles are enforced.
import { afterEach, describe, expect, it } from "vitest";
import { type AuditEntry, GroupChangeRefusal, GroupDetailView, GroupVersionConflict, GroupsView } from "@/protocol/dashboard/index.ts";
import { TOKEN } from "./agent-ws-harness.ts";
import { haAgent } from "./server-ha-fakes.ts";
import { D, GROUP, type Pair, S, SVC_KEY, groups, seedTable, startPair } from "./server-ha-pair.ts";
import { removeDir, startServer, until } from "./server-helpers.ts";

let p: Pair | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const weights = (p: Pair) => p.agents.map((a) => a.ipvs.services.get(SVC_KEY)?.destinations[0]?.config.weight);

describe("HA groups", () => {
  it("is seeded from the VRRP MASTER even when it is not the first member, and shows per-member state", async () => {
    p = await startPair(["BACKUP", "MASTER"]);
    const v = GroupsView.parse(await groups(p.s));
    const g = v.groups[GROUP]!;
    expect(g.desired).toMatchObject({ source: "seeded-master", from: "dir2", serviceCount: 2, destinationCount: 1 });
    expect(g.master).toBe("dir2");
    expect(g.splitBrain).toBe(false);
    expect(g.vipOwners).toEqual({ "172.16.0.100/32": "dir2" });
    expect(g.members.dir1).toMatchObject({ vrrp: "BACKUP", haStatus: "active", drift: "in_sync", changes: 0 });
    expect(g.members.dir2).toMatchObject({ vrrp: "MASTER", vipsHeld: ["172.16.0.100/32"], drift: "in_sync" });
    // in sync: the member's table version is the desired version
    expect(g.members.dir1!.version).toBe(g.desired!.version);
    const detail = GroupDetailView.parse((await p.s.api("GET", `/api/groups/${GROUP}`)).body);
    expect(detail.desired!.text).toBe("-A -t 172.16.0.100:80 -s wlc\n-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 5\n-A -u 172.16.0.100:53 -s rr\n");
    const seeded = (await p.s.api<AuditEntry[]>("GET", "/api/audit?action=group.seed")).body;
    expect(seeded).toHaveLength(1);
    expect(seeded[0]).toMatchObject({ user: "system", director: "dir2", target: GROUP, ok: true });
    expect((await p.s.api("GET", "/api/groups/nope")).status).toBe(404);
  });

  it("waits for every member (up to the grace period) before seeding, so a slow MASTER is not passed over", async () => {
    const a = await haAgent("BACKUP");
    await seedTable(a.ipvs);
    const s = await startServer({ groups: { seedGraceMs: 2000 } });
    p = { s, agents: [a], close: async () => { await s.close(); removeDir(s.dataDir); await a.h.close(); } };
    const t0 = Date.now();
    await s.api("POST", "/api/directors", { name: "dir1", url: a.h.server.url, token: TOKEN, group: GROUP });
    // dir2 never answers (a dead box)
    await s.api("POST", "/api/directors", { name: "dir2", url: "ws://127.0.0.1:9", token: TOKEN, group: GROUP });
    await until(() => s.app.fleet.get("dir1").online && s.app.fleet.get("dir1").ha.status === "active", 5000, "dir1 online");
    expect(s.app.groups.desired(GROUP)).toBeNull();
    await until(() => s.app.groups.desired(GROUP), 8000, "seeded after the grace period");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(s.app.groups.desired(GROUP)).toMatchObject({ source: "seeded-first", from: "dir1" });
    const g = GroupsView.parse(await groups(s)).groups[GROUP]!;
    expect(g.members.dir2).toMatchObject({ online: false, drift: "unknown", haStatus: "pending" });
  });

  it("a change on the group is applied to every member, audited as one entry naming the group and members", async () => {
    p = await startPair();
    const before = p.s.app.groups.desired(GROUP)!.version;
    const r = await p.s.api("PATCH", `/api/groups/${GROUP}/services/${S}/destinations/${D}`, { weight: 9 }, { "if-match": `"${before}"` });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const detail = GroupDetailView.parse(r.body);
    expect(weights(p)).toEqual([9, 9]);
    expect(detail.desired!.services[SVC_KEY]!.destinations["10.0.0.11:80"]!.config.weight).toBe(9);
    expect(detail.desired!.version).not.toBe(before);
    expect(detail.group.members.dir1!.drift).toBe("in_sync");
    expect(detail.group.members.dir2!.drift).toBe("in_sync");
    const created = await p.s.api("POST", `/api/groups/${GROUP}/services/${S}/destinations`, { key: { address: "10.0.0.12", port: 80 }, config: { forwarding: "masq", weight: 1 } });
    expect(created.status).toBe(201);
    for (const a of p.agents) expect(a.ipvs.services.get(SVC_KEY)!.destinations.map((d) => d.key.address)).toEqual(["10.0.0.11", "10.0.0.12"]);
    const svc = await p.s.api("POST", `/api/groups/${GROUP}/services`, { key: { protocol: "tcp", address: "172.16.0.101", port: 443 }, config: { scheduler: "sh" } });
    expect(svc.status).toBe(201);
    expect((await p.s.api("DELETE", `/api/groups/${GROUP}/services/${encodeURIComponent("tcp:172.16.0.101:443")}`)).status).toBe(200);
    for (const a of p.agents) expect(a.ipvs.services.has("tcp:172.16.0.101:443")).toBe(false);

    const audit = (await p.s.api<AuditEntry[]>("GET", "/api/audit?action=group.dest.update")).body;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ ok: true, director: null, target: `${GROUP} ${SVC_KEY} 10.0.0.11:80`, request: { group: GROUP, members: ["dir1", "dir2"], change: "dest.update", body: { weight: 9 } } });
    expect((audit[0]!.before as { members: Record<string, { destinations: Record<string, { weight: number }> }> }).members.dir2!.destinations["10.0.0.11:80"]!.weight).toBe(5);
    expect((audit[0]!.after as { members: Record<string, { destinations: Record<string, { weight: number }> }> }).members.dir2!.destinations["10.0.0.11:80"]!.weight).toBe(9);
    // no per-director entries for the members: one entry for the group change
    expect((await p.s.api<AuditEntry[]>("GET", "/api/audit?action=dest.update")).body).toHaveLength(0);
  });

  it("a member that refuses: the members already changed are rolled back, the desired table is unchanged, the error names it", async () => {
    p = await startPair();
    const desiredBefore = p.s.app.groups.desired(GROUP)!;
    // dir2 (after the MASTER dir1) refuses its next mutation as the kernel would
    p.agents[1]!.ipvs.failOn = p.agents[1]!.ipvs.mutations + 1;
    const r = await p.s.api<{ error: { code: string; message: string; details: unknown } }>("PATCH", `/api/groups/${GROUP}/services/${S}/destinations/${D}`, { weight: 7 });
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe("kernel_error");
    expect(r.body.error.message).toMatch(/director dir2 refused the change: .*Invalid operation.*rolled back on dir1/);
    const details = GroupChangeRefusal.parse(r.body.error.details);
    expect(details).toMatchObject({ group: GROUP, member: "dir2", rolledBack: ["dir1"], rollbackErrors: [] });
    expect(details.error.code).toBe("kernel_error");
    expect(weights(p)).toEqual([5, 5]);
    // dir1 got the change and its undo: two SET_DEST, weight 5 in the end
    expect(p.agents[0]!.ipvs.calls).toEqual(["updateDestination", "updateDestination"]);
    expect(p.s.app.groups.desired(GROUP)!.version).toBe(desiredBefore.version);
    expect(p.s.app.groups.desired(GROUP)!.updatedAt).toBe(desiredBefore.updatedAt);
    const audit = (await p.s.api<AuditEntry[]>("GET", "/api/audit?action=group.dest.update")).body;
    expect(audit[0]).toMatchObject({ ok: false, result: { error: { code: "kernel_error" } } });

    // a service delete refused by dir2: dir1 gets the service and its real server back
    p.agents[1]!.ipvs.failOn = p.agents[1]!.ipvs.mutations + 1;
    const del = await p.s.api("DELETE", `/api/groups/${GROUP}/services/${S}`);
    expect(del.status).toBe(502);
    expect(p.agents[0]!.ipvs.services.get(SVC_KEY)!.destinations.map((d) => [d.key.address, d.config.weight, d.config.forwarding])).toEqual([["10.0.0.11", 5, "masq"]]);
    expect(p.s.app.groups.desired(GROUP)!.version).toBe(desiredBefore.version);
  });

  it("stale versions are 409: the desired version (If-Match / baseVersion) and a member's (baseVersions)", async () => {
    p = await startPair();
    const r = await p.s.api<{ error: { code: string; details: unknown } }>("PATCH", `/api/groups/${GROUP}/services/${S}`, { scheduler: "rr", baseVersion: "0123456789abcdef" });
    expect(r.status).toBe(409);
    const c = GroupVersionConflict.parse(r.body.error.details);
    expect(c).toMatchObject({ group: GROUP, baseVersion: "0123456789abcdef", version: p.s.app.groups.desired(GROUP)!.version });
    const m = await p.s.api<{ error: { details: { director: string } } }>("PATCH", `/api/groups/${GROUP}/services/${S}`, { scheduler: "rr", baseVersions: { dir2: "0123456789abcdef" } });
    expect(m.status).toBe(409);
    expect(m.body.error.details.director).toBe("dir2");
    expect(p.agents.map((a) => a.ipvs.services.get(SVC_KEY)!.config.scheduler)).toEqual(["wlc", "wlc"]);
    expect(p.agents.map((a) => a.ipvs.mutations)).toEqual([0, 0]);
  });

  it("agents that answer unsupported for ha.* are members without HA: seeded from the first, no errors", async () => {
    p = await startPair([null, null]);
    const g = GroupsView.parse(await groups(p.s)).groups[GROUP]!;
    expect(g.desired).toMatchObject({ source: "seeded-first", from: "dir1" });
    expect(g.master).toBeNull();
    expect(g.members.dir1).toMatchObject({ haStatus: "none", vrrp: null, drift: "in_sync" });
    const fleet = (await p.s.api<{ directors: Record<string, { ha: unknown; link: string }> }>("GET", "/api/directors")).body;
    expect(fleet.directors.dir1).toMatchObject({ link: "online", ha: { status: "none", error: null, role: null, instances: {}, keepalived: null } });
    // group changes still work
    expect((await p.s.api("PATCH", `/api/groups/${GROUP}/services/${S}/destinations/${D}`, { weight: 2 })).status).toBe(200);
    expect(weights(p)).toEqual([2, 2]);
    // not an error on the link: a while later it is still online and still "none"
    await new Promise((r) => setTimeout(r, 1500));
    expect(p.s.app.fleet.get("dir2").ha.status).toBe("none");
    expect(p.s.app.fleet.get("dir2").online).toBe(true);
  });

  it("roles: viewers read, operators change, admins adopt and make identical", async () => {
    p = await startPair();
    const viewer = await p.s.client("viewer");
    const operator = await p.s.client("operator");
    expect((await viewer.api("GET", "/api/groups")).status).toBe(200);
    expect((await viewer.api("GET", `/api/groups/${GROUP}/drift`)).status).toBe(200);
    expect((await viewer.api("PATCH", `/api/groups/${GROUP}/services/${S}`, { scheduler: "rr" })).status).toBe(403);
    expect((await operator.api("PATCH", `/api/groups/${GROUP}/services/${S}`, { scheduler: "rr" })).status).toBe(200);
    expect((await operator.api("POST", `/api/groups/${GROUP}/identical`, { dryRun: true })).status).toBe(403);
    expect((await operator.api("POST", `/api/groups/${GROUP}/adopt`, { director: "dir2" })).status).toBe(403);
    expect((await p.s.api("POST", `/api/groups/${GROUP}/adopt`, { director: "dir9" })).status).toBe(400);
    const adopted = await p.s.api("POST", `/api/groups/${GROUP}/adopt`, { director: "dir2" });
    expect(adopted.status).toBe(200);
    expect(GroupDetailView.parse(adopted.body).group.desired).toMatchObject({ source: "adopted", from: "dir2" });
    await until(async () => (await p!.s.api<AuditEntry[]>("GET", "/api/audit?action=group.adopt")).body.length === 1, 2000, "adopt audited");
  });
});
