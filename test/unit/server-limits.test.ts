// Bounds of the server's in-memory collections (server/limits.ts, docs/server.md Limits),
// each driven past its cap: finished drain jobs (oldest evicted, still served from SQLite,
// running ones kept), live sockets per session and per user (one more is closed with 4429
// and a reason, the open ones keep working), and the agent subscriptions the server holds
// (one stats subscription per link, however many browser topics watch the director).
import { afterEach, describe, expect, it } from "vitest";
import type { DrainJob } from "@/protocol/dashboard/index.ts";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { statsHandlers } from "@/agent/handlers/stats.ts";
import type { HandlerMap } from "@/agent/handlers/context.ts";
import { CLOSE_TOO_MANY_SOCKETS } from "@/server/live/hub.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { LivePeer, type TestServer, agents, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
const peers: LivePeer[] = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await closeTestServer(s, hs);
  s = undefined;
  hs = [];
});

const SVC = "tcp:10.9.0.1:80";
const svcPath = `/api/directors/d1/services/${encodeURIComponent(SVC)}`;
const METRICS_TOKEN = "limits-metrics-token-0123456789";

async function metric(name: string, collection: string): Promise<number> {
  const text = await (await fetch(`${s!.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{collection="${collection}"}`));
  if (!line) throw new Error(`no ${name}{collection="${collection}"} in /metrics`);
  return Number(line.split(" ")[1]);
}

/** Opens a live socket and resolves with it, or with its close code and reason. */
function openLive(cookie: string): Promise<{ peer: LivePeer } | { code: number; reason: string; error: unknown }> {
  return LivePeer.open(s!.url, cookie).then(
    (peer) =>
      new Promise((resolve) => {
        peers.push(peer);
        const t = setTimeout(() => resolve({ peer }), 300);
        peer.ws.once("close", (code, reason) => {
          clearTimeout(t);
          resolve({ code, reason: String(reason), error: peer.messages[0] });
        });
      }),
  );
}

describe("server limits", () => {
  it("finished drain jobs past the cap leave memory oldest first, stay readable from SQLite; a running job is never evicted", async () => {
    hs = await agents(1);
    s = await startServer({ drains: { maxFinishedJobs: 3 }, metricsToken: () => METRICS_TOKEN });
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "d1 online");
    await s.api("POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } });
    for (const a of ["10.0.0.11", "10.0.0.12"]) {
      await s.api("POST", `${svcPath}/destinations`, { key: { address: a, port: 80 }, config: { forwarding: "route", weight: 5 } });
    }
    // a job that keeps draining (connections that do not end) through all of it
    hs[0]!.ipvs.services.get(SVC)!.destinations[1]!.activeConns = 3;
    const running = (await s.api<DrainJob>("POST", "/api/drains", { director: "d1", service: SVC, destination: "10.0.0.12:80" })).body;
    const finished: string[] = [];
    for (let i = 0; i < 7; i++) {
      const job = await s.api<DrainJob>("POST", "/api/drains", { director: "d1", service: SVC, destination: "10.0.0.11:80" });
      expect(job.status).toBe(201);
      expect((await s.api<DrainJob>("POST", `/api/drains/${job.body.id}/undrain`)).body.status).toBe("undrained");
      finished.push(job.body.id);
      expect(s.app.drains.size).toBeLessThanOrEqual(3 + 1);
    }
    const view = (await s.api<{ jobs: Record<string, DrainJob> }>("GET", "/api/drains")).body.jobs;
    expect(Object.keys(view).sort()).toEqual([running.id, ...finished.slice(-3)].sort());
    expect(view[running.id]!.status).toBe("draining");
    // an evicted job is still there for whoever asks for it by id
    const oldest = await s.api<DrainJob>("GET", `/api/drains/${finished[0]}`);
    expect(oldest.status).toBe(200);
    expect(oldest.body).toMatchObject({ id: finished[0], status: "undrained" });
    expect(await metric("lvs_fleet_limit_evictions_total", "drain_jobs")).toBe(4);
    // the running job is still followed: its connections end, it drains
    hs[0]!.ipvs.services.get(SVC)!.destinations[1]!.activeConns = 0;
    await until(() => s!.app.drains.get(running.id).status === "drained", 5000, "running job drained");
  });

  it("one more live socket than a session (or a user) may have is closed with 4429 and why; the open ones keep working", async () => {
    s = await startServer({ live: { tickMs: 100, maxSocketsPerSession: 3, maxSocketsPerUser: 5 }, metricsToken: () => METRICS_TOKEN });
    const viewer = await s.client("viewer", "many-tabs");
    const open: LivePeer[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await openLive(viewer.cookie);
      if (!("peer" in r)) throw new Error(`socket ${i + 1} closed: ${r.code} ${r.reason}`);
      open.push(r.peer);
    }
    const fourth = await openLive(viewer.cookie);
    expect(fourth).toMatchObject({ code: CLOSE_TOO_MANY_SOCKETS, reason: expect.stringMatching(/too many live sockets for this session \(limit 3\)/) });
    expect(fourth).toMatchObject({ error: { type: "error", topic: null, error: { code: "too_large" } } });
    for (const p of open) {
      const from = p.messages.length;
      p.send({ type: "subscribe", topic: "fleet" });
      await p.next((m) => m.type === "snapshot", from);
    }
    // the same user in two more sessions: 2 more sockets, then the user's cap
    const second = await s.login("many-tabs", "many-tabs-password");
    const third = await s.login("many-tabs", "many-tabs-password");
    expect("peer" in (await openLive(second.cookie))).toBe(true);
    expect("peer" in (await openLive(third.cookie))).toBe(true);
    const sixth = await openLive(third.cookie);
    expect(sixth).toMatchObject({ code: CLOSE_TOO_MANY_SOCKETS, reason: expect.stringMatching(/for this user \(limit 5\)/) });
    // another user is not affected; closing a tab frees its place
    expect("peer" in (await openLive(s.cookie))).toBe(true);
    const freed = until(() => s!.app.hub.socketCount === 5, 3000, "socket closed");
    open[0]!.ws.close();
    await freed;
    expect("peer" in (await openLive(viewer.cookie))).toBe(true);
    expect(await metric("lvs_fleet_limit_refusals_total", "live_sockets_session")).toBe(1);
    expect(await metric("lvs_fleet_limit_refusals_total", "live_sockets_user")).toBe(1);
  });

  it("browser topics add no agent subscriptions: one stats subscription per link, however many sockets watch the director", async () => {
    const ipvs = new FakeIpvs();
    const counts: Record<string, number> = {};
    const counted = (map: HandlerMap): HandlerMap =>
      Object.fromEntries(
        Object.entries(map).map(([type, h]) => [
          type,
          (...args: unknown[]) => {
            counts[type] = (counts[type] ?? 0) + 1;
            return (h as (...a: unknown[]) => unknown)(...args);
          },
        ]),
      ) as HandlerMap;
    hs = [await startHarness({ registry: new HandlerRegistry().use(counted(ipvsHandlers(ipvs))).use(counted(statsHandlers(ipvs))) })];
    s = await startServer();
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "d1 online");
    await s.api("POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } });
    expect(counts["stats.subscribe"]).toBe(1);
    for (let i = 0; i < 4; i++) {
      const p = await LivePeer.open(s.url);
      peers.push(p);
      for (let k = 0; k < 10; k++) {
        for (const topic of ["fleet", "director:d1", `service:d1:${SVC}`]) p.send({ type: "subscribe", topic });
      }
      await p.next((m) => m.type === "snapshot" && m.topic === `service:d1:${SVC}`);
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(counts["stats.subscribe"]).toBe(1);
    // a relink (the link restarts on a PATCH) replaces the subscription rather than adding one
    await s.api("PATCH", "/api/directors/d1", { group: "g1" });
    await until(() => (counts["stats.subscribe"] ?? 0) >= 2 && s!.app.fleet.get("d1").online, 10_000, "relinked");
    await new Promise((r) => setTimeout(r, 500));
    expect(counts["stats.subscribe"]).toBe(2);
  });
});
