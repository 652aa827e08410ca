// Drain start with an uncertain target (issue 14 item 9): the job is saved before the first
// change, and a target whose weight-0 request failed after the change may have happened
// (an error after applying, a link lost after sending) is rolled back like the others, or,
// when that cannot be done, kept in the job for the operator to undrain.
import { afterEach, describe, expect, it } from "vitest";
import type { DrainJob, DrainsView } from "@/protocol/dashboard/index.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { type TestServer, agents, registration, removeDir, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  await s?.close();
  if (s) removeDir(s.dataDir);
  for (const h of hs) await h.close().catch(() => {});
  s = undefined;
  hs = [];
});

const SVC = "tcp:10.9.0.1:80";
const DEST = "10.0.0.11:80";
const weightOf = (h: Harness) => h.ipvs.services.get(SVC)?.destinations[0]?.config.weight;

async function withService(h: Harness, id: string): Promise<void> {
  await until(() => s!.app.fleet.get(id).online, 10_000, `${id} online`);
  await s!.api("POST", `/api/directors/${id}/services`, { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } });
  await s!.api("POST", `/api/directors/${id}/services/${encodeURIComponent(SVC)}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 5 } });
  h.ipvs.services.get(SVC)!.destinations[0]!.activeConns = 3;
}

async function pair(): Promise<[Harness, Harness]> {
  hs = await agents(2);
  const [a, b] = hs as [Harness, Harness];
  s = await startServer();
  await s.api("POST", "/api/directors", registration(a, "a", { group: "ha" }));
  await s.api("POST", "/api/directors", registration(b, "b", { group: "ha" }));
  await withService(a, "a");
  await withService(b, "b");
  return [a, b];
}

const storedJobs = () => (s!.app.db.prepare("SELECT job FROM drain_jobs").all() as { job: string }[]).map((r) => JSON.parse(r.job) as DrainJob);

describe("drain start", () => {
  it("a target that failed after its weight 0 took effect is rolled back too; the job is on record before the change", async () => {
    const [a, b] = await pair();
    const bUpdate = b.ipvs.updateDestination.bind(b.ipvs);
    let first = true;
    let savedBeforeChange: DrainJob[] = [];
    b.ipvs.updateDestination = async (svc, dest) => {
      if (first) savedBeforeChange = storedJobs();
      await bUpdate(svc, dest);
      if (first) {
        first = false;
        throw new Error("the reply was lost after the change");
      }
    };
    const r = await s!.api<{ error: { code: string } }>("POST", "/api/drains", { group: "ha", service: SVC, destination: DEST });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(weightOf(a)).toBe(5);
    expect(weightOf(b)).toBe(5);
    expect(savedBeforeChange).toHaveLength(1);
    expect(Object.keys(savedBeforeChange[0]!.targets).sort()).toEqual(["a", "b"]);
    const [job] = storedJobs();
    expect(job).toMatchObject({ status: "failed", targets: { a: { status: "undrained" }, b: { status: "undrained" } } });
    expect((await s!.api<DrainsView>("GET", "/api/drains")).body.jobs).toEqual({});
    // nothing left in a running job: a new drain is not a conflict
    expect((await s!.api("POST", "/api/drains", { group: "ha", service: SVC, destination: DEST })).status).toBe(201);
  });

  it("a link lost after sending: its target is kept in the job (with the error) for an undrain", async () => {
    const [a, b] = await pair();
    const bUpdate = b.ipvs.updateDestination.bind(b.ipvs);
    b.ipvs.updateDestination = async (svc, dest) => {
      await bUpdate(svc, dest);
      await b.server.close(); // the agent goes away before it answers
      throw new Error("gone");
    };
    const r = await s!.api<{ error: { message: string; details: { job: string } } }>("POST", "/api/drains", { group: "ha", service: SVC, destination: DEST });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body.error.message).toMatch(/rollback failed on b/);
    expect(weightOf(a)).toBe(5);
    expect(weightOf(b)).toBe(0); // applied before the link went: the job must know it
    const view = (await s!.api<DrainsView>("GET", "/api/drains")).body;
    const job = view.jobs[r.body.error.details.job]!;
    expect(job.status).toBe("draining");
    expect(job.targets.b).toMatchObject({ status: "draining", previousWeight: 5 });
    expect(job.targets.b!.error).toMatch(/rollback failed/);
    expect(job.targets.a).toMatchObject({ status: "undrained" });
    expect(s!.app.drains.jobOf("b", SVC, DEST)).toBe(job.id);
    expect(storedJobs().find((j) => j.id === job.id)?.targets.b?.status).toBe("draining");
  });
});
