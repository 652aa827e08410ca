// Drain jobs end to end against real agents over FakeIpvs: weight 0 in the agent's table,
// connection counts followed from stats with an ETA, drained at 0/0, undrain restores the
// weight, remove deletes the real server; group drains roll back on failure; a restarted
// server resumes a running job from SQLite.
import { afterEach, describe, expect, it } from "vitest";
import type { DirectorDetailView, DrainJob } from "@/protocol/dashboard/index.ts";
import type { DestinationState } from "@/protocol/ipvs.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { ErrnoError } from "./agent-ws-fakes.ts";
import { type TestServer, agents, registration, removeDir, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
let keepDir = false;
afterEach(async () => {
  await s?.close();
  if (s && !keepDir) removeDir(s.dataDir);
  for (const h of hs) await h.close();
  s = undefined;
  hs = [];
  keepDir = false;
});

const SVC = "tcp:10.9.0.1:80";
const DEST = "10.0.0.11:80";

async function withService(h: Harness, id: string, persistent = false): Promise<DestinationState> {
  await until(() => s!.app.fleet.get(id).online, 10_000, `${id} online`);
  const config = { scheduler: "wlc", ...(persistent ? { persistence: { timeout: 60, netmask: "255.255.255.255" } } : {}) };
  await s!.api("POST", `/api/directors/${id}/services`, { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config });
  await s!.api("POST", `/api/directors/${id}/services/${encodeURIComponent(SVC)}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 5 } });
  const d = h.ipvs.services.get(SVC)!.destinations[0]!;
  d.activeConns = 6;
  d.inactiveConns = 4;
  return d;
}

const weightOf = (h: Harness) => h.ipvs.services.get(SVC)?.destinations[0]?.config.weight;

describe("server drains", () => {
  it("drain -> countdown with ETA -> drained -> remove; undrain restores the weight", async () => {
    hs = await agents(1);
    const h = hs[0]!;
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    const d = await withService(h, "d1", true);
    const started = await s.api<DrainJob>("POST", "/api/drains", { director: "d1", service: SVC, destination: DEST });
    expect(started.status).toBe(201);
    const job = started.body;
    expect(job).toMatchObject({ status: "draining", group: null, persistent: true, targets: { d1: { previousWeight: 5, status: "draining" } } });
    expect(weightOf(h)).toBe(0);
    const detail = await s.api<DirectorDetailView>("GET", "/api/directors/d1/services");
    expect(detail.body.services[SVC]!.destinations[DEST]!.drainJob).toBe(job.id);
    expect((await s.api("POST", "/api/drains", { director: "d1", service: SVC, destination: DEST })).status).toBe(409);
    expect((await s.api("POST", `/api/drains/${job.id}/remove`)).status).toBe(409);

    // connections fall: the ETA appears
    for (const n of [8, 6, 4, 2]) {
      d.activeConns = n / 2;
      d.inactiveConns = n / 2;
      await until(() => s!.app.drains.get(job.id).targets.d1!.activeConns === n / 2, 3000, `count ${n}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const mid = (await s.api<DrainJob>("GET", `/api/drains/${job.id}`)).body;
    expect(mid.status).toBe("draining");
    expect(mid.etaSeconds).not.toBeNull();
    expect(mid.etaSeconds!).toBeLessThan(30);
    d.activeConns = 0;
    d.inactiveConns = 0;
    await until(() => s!.app.drains.get(job.id).status === "drained", 3000, "drained");
    const list = await s.api<{ jobs: Record<string, DrainJob> }>("GET", "/api/drains");
    expect(list.body.jobs[job.id]).toMatchObject({ status: "drained", etaSeconds: 0, targets: { d1: { status: "drained" } } });
    const removed = await s.api<DrainJob>("POST", `/api/drains/${job.id}/remove`);
    expect(removed.body.status).toBe("removed");
    expect(h.ipvs.services.get(SVC)!.destinations).toEqual([]);

    // a second drain of a new real server, undrained
    await s.api("POST", `/api/directors/d1/services/${encodeURIComponent(SVC)}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 9 } });
    const j2 = (await s.api<DrainJob>("POST", "/api/drains", { director: "d1", service: SVC, destination: DEST })).body;
    expect(weightOf(h)).toBe(0);
    const und = await s.api<DrainJob>("POST", `/api/drains/${j2.id}/undrain`);
    expect(und.body.status).toBe("undrained");
    expect(weightOf(h)).toBe(9);
    const audit = await s.api<{ action: string; ok: boolean }[]>("GET", "/api/audit?limit=6");
    expect(audit.body.map((e) => [e.action, e.ok]).slice(0, 3)).toEqual([["drain.undrain", true], ["drain.start", true], ["dest.create", true]]);
    // the weights before and after each drain step are in the audit
    const [undrained, drained] = audit.body as unknown as { before: Record<string, { weight: number }>; after: Record<string, { weight: number }> }[];
    expect(drained).toMatchObject({ before: { d1: { weight: 9 } }, after: { d1: { weight: 0 } } });
    expect(undrained).toMatchObject({ before: { d1: { weight: 0 } }, after: { d1: { weight: 9 } } });
  });

  it("a group drain drains every director that has the real server, and rolls back if one fails", async () => {
    hs = await agents(3);
    const [a, b, c] = hs as [Harness, Harness, Harness];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(a, "a", { group: "ha" }));
    await s.api("POST", "/api/directors", registration(b, "b", { group: "ha" }));
    await s.api("POST", "/api/directors", registration(c, "c", { group: "other" }));
    await withService(a, "a");
    await withService(b, "b");
    await withService(c, "c");
    // b refuses the change: a, drained first, must get its weight back
    const aWeights: number[] = [];
    const aUpdate = a.ipvs.updateDestination.bind(a.ipvs);
    a.ipvs.updateDestination = async (svc, dest) => {
      aWeights.push(dest.config.weight);
      return aUpdate(svc, dest);
    };
    const original = b.ipvs.updateDestination.bind(b.ipvs);
    b.ipvs.updateDestination = async () => {
      throw new ErrnoError("EINVAL", "Invalid argument");
    };
    const failed = await s.api<{ error: { code: string; message: string } }>("POST", "/api/drains", { group: "ha", service: SVC, destination: DEST });
    expect(failed.status).toBeGreaterThanOrEqual(400);
    expect(aWeights).toEqual([0, 5]); // drained, then rolled back
    expect(weightOf(a)).toBe(5);
    expect(weightOf(b)).toBe(5);
    expect((await s.api<{ jobs: object }>("GET", "/api/drains")).body.jobs).toEqual({});

    b.ipvs.updateDestination = original;
    const ok = await s.api<DrainJob>("POST", "/api/drains", { group: "ha", service: SVC, destination: DEST });
    expect(ok.status).toBe(201);
    expect(Object.keys(ok.body.targets).sort()).toEqual(["a", "b"]);
    expect([weightOf(a), weightOf(b), weightOf(c)]).toEqual([0, 0, 5]);
    a.ipvs.services.get(SVC)!.destinations[0]!.activeConns = 0;
    a.ipvs.services.get(SVC)!.destinations[0]!.inactiveConns = 0;
    await until(() => s!.app.drains.get(ok.body.id).targets.a!.status === "drained", 3000, "a drained");
    expect(s.app.drains.get(ok.body.id).status).toBe("draining"); // b still has connections
    b.ipvs.services.get(SVC)!.destinations[0]!.activeConns = 0;
    b.ipvs.services.get(SVC)!.destinations[0]!.inactiveConns = 0;
    await until(() => s!.app.drains.get(ok.body.id).status === "drained", 3000, "group drained");
    expect((await s.api("POST", "/api/drains", { group: "nope", service: SVC, destination: DEST })).status).toBe(404);
    expect((await s.api("POST", "/api/drains", { director: "a", group: "ha", service: SVC, destination: DEST })).status).toBe(400);
  });

  it("a restarted server resumes a running drain job", async () => {
    hs = await agents(1);
    const h = hs[0]!;
    s = await startServer();
    await s.api("POST", "/api/directors", registration(h, "d1"));
    const d = await withService(h, "d1");
    const job = (await s.api<DrainJob>("POST", "/api/drains", { director: "d1", service: SVC, destination: DEST })).body;
    const dataDir = s.dataDir;
    await s.close();
    s = await startServer({ dataDir });
    await until(() => s!.app.fleet.find("d1")?.online, 10_000, "relinked from the store");
    expect(s.app.drains.get(job.id).status).toBe("draining");
    d.activeConns = 0;
    d.inactiveConns = 0;
    await until(() => s!.app.drains.get(job.id).status === "drained", 3000, "drained after restart");
    const und = await s.api<DrainJob>("POST", `/api/drains/${job.id}/undrain`);
    expect(und.status).toBe(200);
    expect(weightOf(h)).toBe(5);
  });
});
