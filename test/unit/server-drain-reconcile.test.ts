// Drain jobs reconciled with the kernel (server/drain/reconcile.ts through the manager), with a
// message-level fake of the fleet: each fake link answers service.get and dest.update from an
// in-memory table and keeps a DirectorState filled from that table as service.list would.
// At a restart and at every relink, a job whose weight is not 0 in the kernel is interrupted
// (saved, audited as drain.interrupted, shown), one whose real server is gone is removed, and
// ended jobs leave the list after the TTL.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { DrainJob } from "@/protocol/dashboard/index.ts";
import type { ServiceState } from "@/protocol/ipvs.ts";
import { DirectorState } from "@/server/agents/director-state.ts";
import type { Fleet } from "@/server/agents/fleet.ts";
import { DrainManager } from "@/server/drain/manager.ts";
import type { AuditStart } from "@/server/store/audit.ts";
import { type Db, openDatabase } from "@/server/store/db.ts";
import { DrainStore } from "@/server/store/drains.ts";

const SVC = "tcp:10.9.0.1:80";
const DEST = "10.0.0.11:80";
const STATS = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

class FakeLink {
  readonly state = new DirectorState();
  readonly registration = { role: "director" as const, group: "ha" };
  online = true;
  link = "online";
  since = 1;
  weight = 5;
  active = 3;
  inactive = 2;
  present = true;
  readonly sent: string[] = [];
  constructor(readonly id: string) {
    this.relist();
  }
  table(): ServiceState[] {
    const dest = { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route" as const, weight: this.weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null }, activeConns: this.active, inactiveConns: this.inactive, persistConns: 0, stats: STATS };
    const config = { scheduler: "wlc" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
    return [{ key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config, stats: STATS, destinations: this.present ? [dest] : [] }];
  }
  relist(): void {
    this.state.applyList(this.table());
  }
  /** the link drops and comes back: a new online-since, the table re-listed */
  relink(): void {
    this.since++;
    this.relist();
  }
  async request(type: string, payload: { config?: { weight: number } }): Promise<unknown> {
    this.sent.push(type);
    if (!this.online) throw new Error("offline");
    if (type === "service.get") return this.table()[0];
    if (type === "dest.update") this.weight = payload.config!.weight;
    this.relist();
    return { ok: true };
  }
  /** DirectorLink's one-round-trip dest.update; this fake re-lists as an older agent's answer does */
  updateDestination(payload: { config?: { weight: number } }): Promise<unknown> {
    return this.request("dest.update", payload);
  }
}

function fakeFleet(links: FakeLink[]): Fleet {
  const find = (id: string) => links.find((l) => l.id === id);
  return {
    links: () => links,
    find,
    get: (id: string) => {
      const l = find(id);
      if (!l) throw new Error(`no ${id}`);
      return l;
    },
  } as unknown as Fleet;
}

let dirs: string[] = [];
let dbs: Db[] = [];
afterEach(() => {
  for (const d of dbs) d.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  dbs = [];
});

function setup(links: FakeLink[], dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "drain-reconcile-"));
  if (!dataDir) dirs.push(dir);
  const db = openDatabase(dir);
  dbs.push(db);
  const audit: { e: AuditStart; ok: boolean; result: unknown }[] = [];
  const changes: DrainJob[] = [];
  const drains = new DrainManager(fakeFleet(links), new DrainStore(db), (j) => changes.push(structuredClone(j)), {
    audit: { record: (e, ok, result) => audit.push({ e, ok, result }) },
    finishedTtlMs: 60_000,
  });
  return { dir, db, drains, audit, changes };
}

describe("drain jobs reconciled with the kernel", () => {
  it("a job from an earlier run whose kernel weight is back to 1 is interrupted at start, audited, and leaves the list after the TTL", async () => {
    const d1 = new FakeLink("d1");
    const first = setup([d1]);
    const job = await first.drains.start({ director: "d1", service: SVC, destination: DEST });
    expect(d1.weight).toBe(0);
    // the first stats after the link came online agree with the kernel: nothing to do
    first.drains.onStats("d1", d1.state, 1000);
    expect(first.drains.get(job.id).status).toBe("draining");
    expect(first.audit).toEqual([]);
    first.db.close();
    dbs = [];

    // the server stops; meanwhile someone runs ipvsadm -e -w 1; the server starts again
    d1.weight = 1;
    d1.relink();
    const again = setup([d1], first.dir);
    expect(again.drains.get(job.id).status).toBe("draining"); // on record, not yet checked
    again.drains.onStats("d1", d1.state, 5000);
    const j = again.drains.get(job.id);
    expect(j).toMatchObject({ status: "interrupted", finishedAt: 5000, targets: { d1: { status: "interrupted", previousWeight: 5 } } });
    expect(j.targets.d1!.error).toBe("weight is 1 in the kernel of d1, not 0: set outside this drain job");
    expect(again.drains.jobOf("d1", SVC, DEST)).toBeNull();
    expect(again.audit).toEqual([
      {
        e: { user: "system", action: "drain.interrupted", director: "d1", target: `${SVC} ${DEST}`, request: { job: job.id, previousWeight: 5 } },
        ok: true,
        result: { status: "interrupted", kernelWeight: 1, reason: j.targets.d1!.error },
      },
    ]);
    expect(again.changes.at(-1)?.status).toBe("interrupted");
    // saved: a third start loads it as interrupted, not draining
    expect(new DrainStore(again.db).get(job.id)?.status).toBe("interrupted");
    // later stats do not audit it again; undrain is refused, a new drain is allowed
    again.drains.onStats("d1", d1.state, 6000);
    expect(again.audit).toHaveLength(1);
    await expect(again.drains.undrain(job.id)).rejects.toThrow(/interrupted/);
    expect(again.drains.view(5000 + 59_000).jobs[job.id]?.status).toBe("interrupted");
    expect(again.drains.view(5000 + 61_000).jobs[job.id]).toBeUndefined();
    expect(again.drains.get(job.id).status).toBe("interrupted"); // SQLite keeps the record
  });

  it("on every relink, and only then: a weight put back while the link was down interrupts the job", async () => {
    const d1 = new FakeLink("d1");
    const { drains, audit } = setup([d1]);
    const job = await drains.start({ director: "d1", service: SVC, destination: DEST });
    drains.onStats("d1", d1.state, 1000);
    // a relink with the weight still 0: the job goes on
    d1.relink();
    drains.onStats("d1", d1.state, 2000);
    expect(drains.get(job.id).status).toBe("draining");
    // the weight changes while the link is up: not a relink, the next one tells
    d1.weight = 3;
    d1.relist();
    drains.onStats("d1", d1.state, 3000);
    expect(drains.get(job.id).status).toBe("draining");
    d1.relink();
    drains.onStats("d1", d1.state, 4000);
    expect(drains.get(job.id).targets.d1).toMatchObject({ status: "interrupted", error: "weight is 3 in the kernel of d1, not 0: set outside this drain job" });
    expect(audit.map((a) => a.e.action)).toEqual(["drain.interrupted"]);
  });

  it("an offline director is not reconciled until it is online", async () => {
    const d1 = new FakeLink("d1");
    const { drains } = setup([d1]);
    const job = await drains.start({ director: "d1", service: SVC, destination: DEST });
    d1.online = false;
    d1.weight = 1;
    d1.relink();
    drains.onStats("d1", d1.state, 1000);
    expect(drains.get(job.id).status).toBe("draining");
    d1.online = true;
    drains.onStats("d1", d1.state, 2000);
    expect(drains.get(job.id).status).toBe("interrupted");
  });

  it("a group job: one member interrupted, the other drains on; a real server gone is removed", async () => {
    const a = new FakeLink("a");
    const b = new FakeLink("b");
    const { drains, audit } = setup([a, b]);
    const job = await drains.start({ group: "ha", service: SVC, destination: DEST });
    expect(Object.keys(job.targets)).toEqual(["a", "b"]);
    a.weight = 2;
    a.relink();
    drains.onStats("a", a.state, 1000);
    expect(drains.get(job.id)).toMatchObject({ status: "draining", targets: { a: { status: "interrupted" }, b: { status: "draining" } } });
    b.active = 0;
    b.inactive = 0;
    b.relist();
    drains.onStats("b", b.state, 2000);
    // b is drained and holds weight 0: the job stays for b's undrain or remove
    expect(drains.get(job.id)).toMatchObject({ status: "drained", targets: { a: { status: "interrupted" }, b: { status: "drained" } } });
    b.present = false;
    b.relink();
    drains.onStats("b", b.state, 3000);
    expect(drains.get(job.id)).toMatchObject({ status: "interrupted", finishedAt: 3000, targets: { b: { status: "removed" } } });
    expect(audit.map((x) => [x.e.director, (x.result as { kernelWeight: unknown }).kernelWeight])).toEqual([["a", 2], ["b", null]]);
  });

  it("an undrain in progress is not taken for an interruption", async () => {
    const d1 = new FakeLink("d1");
    const { drains, audit } = setup([d1]);
    const job = await drains.start({ director: "d1", service: SVC, destination: DEST });
    drains.onStats("d1", d1.state, 1000);
    // the agent has set the weight back but its answer is still on the way when a relink's stats arrive
    let answer: () => void = () => {};
    const request = d1.request.bind(d1);
    d1.request = async (type, payload) => {
      if (type !== "dest.update") return request(type, payload);
      d1.weight = payload.config!.weight;
      d1.relink();
      drains.onStats("d1", d1.state, 2000);
      await new Promise<void>((r) => (answer = r));
      return { ok: true };
    };
    const undrain = drains.undrain(job.id);
    answer();
    expect((await undrain).status).toBe("undrained");
    expect(audit).toEqual([]);
  });
});
