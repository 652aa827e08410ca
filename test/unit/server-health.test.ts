// Health checks in the server with a fake health-checking agent (server-health-fakes.ts):
// each real server's state is live on the "health:<id>" topic and REST, a transition to down
// is audited once as done by "health check" with its reason, the statuses seen before the
// server watched are not, a flapping server's transitions are aggregated, and latencies of
// check results are on the "health:<id>:<service>" topic.
import { afterEach, describe, expect, it } from "vitest";
import type { AuditEntry } from "@/protocol/dashboard/index.ts";
import type { DirectorHealthView, HealthLatencyView } from "@/protocol/dashboard/health.ts";
import { apply } from "@/protocol/merge-patch.ts";
import { type HealthAgent, healthAgent } from "./server-health-fakes.ts";
import { LivePeer, type TestServer, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } };
const SK = "tcp:10.9.0.1:80";
const S = encodeURIComponent(SK);
const RS = ["10.0.0.11", "10.0.0.12"];

let s: TestServer | undefined;
let a: HealthAgent | undefined;
let peer: LivePeer | undefined;
afterEach(async () => {
  peer?.close();
  await closeTestServer(s, a ? [a.h] : []);
  s = a = peer = undefined;
});

function live<T>(p: LivePeer, topic: string): T | undefined {
  let state: unknown;
  for (const m of p.messages) {
    if (m.topic !== topic) continue;
    state = m.type === "snapshot" ? m.data : apply(state, m.patch);
  }
  return state as T | undefined;
}

const healthAudit = async (t: TestServer) => (await t.api<AuditEntry[]>("GET", "/api/audit?action=health.transition")).body.sort((x, y) => x.id - y.id);

/** d1 with SVC and two real servers (weights 3 and 4), both checked by TCP_CHECK. */
async function setup(opts: Parameters<typeof startServer>[0] = {}): Promise<{ s: TestServer; a: HealthAgent }> {
  a = await healthAgent();
  s = await startServer({ health: { pollMs: 100, windowMs: 60_000 }, ...opts });
  expect((await s.api("POST", "/api/directors", registration(a.h, "d1"))).status).toBe(201);
  await until(() => s!.app.fleet.get("d1").online, 10_000, "d1 online");
  expect((await s.api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
  for (const [i, rs] of RS.entries()) {
    const r = await s.api("POST", `/api/directors/d1/services/${S}/destinations`, { key: { address: rs, port: 80 }, config: { forwarding: "masq", weight: 3 + i } });
    expect(r.status).toBe(201);
  }
  for (const rs of RS) {
    const r = await s.api("PUT", `/api/directors/d1/health/services/${S}/destinations/${encodeURIComponent(`${rs}:80`)}`, { checkers: [{ kind: "TCP_CHECK" }], delayLoop: 2 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  return { s, a };
}

describe("health checks in the server", () => {
  it("configures checks with the table's weight, audited; the live topic and REST show the state; a down transition is audited once with its reason", async () => {
    const { s, a } = await setup();
    const cfg = a.health!.config.services[0]!;
    expect(cfg.key).toEqual(SVC.key);
    expect(cfg.realServers.map((r) => [r.key.address, r.config.weight, r.checkers[0]!.kind, r.delayLoop])).toEqual([
      ["10.0.0.11", 3, "TCP_CHECK", 2],
      ["10.0.0.12", 4, "TCP_CHECK", 2],
    ]);
    const conf = (await s.api<AuditEntry[]>("GET", "/api/audit?action=health.configure")).body;
    expect(conf).toHaveLength(2);
    expect(conf.every((e) => e.user === "admin" && e.ok === true && e.director === "d1")).toBe(true);
    // the second configure's before has the first real server, its after both
    const second = conf.find((e) => e.target?.endsWith("10.0.0.12:80"))!;
    expect((second.before as { realServers: unknown[] }).realServers).toHaveLength(1);
    expect((second.after as { realServers: unknown[] }).realServers).toHaveLength(2);

    peer = await LivePeer.open(s.url);
    peer.send({ type: "subscribe", topic: "health:d1" });
    await until(() => live<DirectorHealthView>(peer!, "health:d1")?.services[SK]?.realServers["10.0.0.11:80"], 5000, "the real server on the live topic");
    const v0 = live<DirectorHealthView>(peer, "health:d1")!;
    expect(v0.status).toBe("active");
    expect(v0.services[SK]!.realServers["10.0.0.11:80"]).toMatchObject({ state: "unknown", checkers: ["TCP_CHECK"], configuredWeight: 3 });

    a.health!.result("10.0.0.11", true, "ok", 1.5, "up");
    a.health!.result("10.0.0.12", true, "ok", 2.5, "up");
    await until(() => live<DirectorHealthView>(peer!, "health:d1")?.services[SK]?.realServers["10.0.0.12:80"]?.state === "up", 3000, "up");
    const t0 = Date.now();
    a.health!.result("10.0.0.12", false, "connect refused", 0.4, "down");
    await until(() => live<DirectorHealthView>(peer!, "health:d1")?.services[SK]?.realServers["10.0.0.12:80"]?.state === "down", 3000, "down on the live topic");
    expect(Date.now() - t0).toBeLessThan(3000);
    const rest = (await s.api<DirectorHealthView>("GET", "/api/directors/d1/health")).body;
    expect(rest.services[SK]!.realServers["10.0.0.12:80"]).toMatchObject({ state: "down", inPool: false, consecutiveFailures: 1, lastResult: { ok: false, reason: "connect refused" } });
    expect(rest.services[SK]!.realServers["10.0.0.12:80"]!.transitions.map((t) => t.to)).toEqual(["up", "down"]);

    const audit = await until(async () => ((await healthAudit(s)).length > 0 ? healthAudit(s) : null), 3000, "the audit entry");
    // unknown -> up is not health's doing to report; only the transition to down
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ user: "health check", director: "d1", target: `${SK} 10.0.0.12:80`, ok: true });
    expect((audit[0]!.request as { reason: string }).reason).toBe("rs 10.0.0.12:80 down: connect refused");
    // the polls see the same transition again: still one entry
    await new Promise((r) => setTimeout(r, 400));
    expect(await healthAudit(s)).toHaveLength(1);

    a.health!.result("10.0.0.12", true, "ok", 0.9, "up");
    await until(async () => (await healthAudit(s)).length === 2, 3000, "the recovery audited");
    expect(((await healthAudit(s))[1]!.request as { reason: string }).reason).toBe("rs 10.0.0.12:80 up: ok");
  });

  it("a flapping real server gets two entries (down, up), then one aggregated entry per window", async () => {
    const { s, a } = await setup({ health: { pollMs: 100, windowMs: 1500 } });
    a.health!.result("10.0.0.11", true, "ok", 1, "up");
    await until(() => s.app.health.view("d1").services[SK]?.realServers["10.0.0.11:80"]?.state === "up", 3000, "up");
    for (let i = 0; i < 10; i++) {
      a.health!.result("10.0.0.11", false, "HTTP 503", 1, "down");
      await new Promise((r) => setTimeout(r, 30));
      a.health!.result("10.0.0.11", true, "ok", 1, "up");
      await new Promise((r) => setTimeout(r, 30));
    }
    a.health!.result("10.0.0.11", false, "timeout after 2 s", 1, "down");
    await until(async () => (await healthAudit(s)).length >= 2, 3000, "the first entries");
    // 21 transitions: the first two at once, the other 19 in one entry when the window closes
    const all = await until(async () => ((await healthAudit(s)).length >= 3 ? healthAudit(s) : null), 5000, "the aggregated entry");
    await new Promise((r) => setTimeout(r, 300));
    expect(await healthAudit(s)).toHaveLength(3);
    expect(all.slice(0, 2).map((e) => (e.request as { reason: string }).reason)).toEqual(["rs 10.0.0.11:80 down: HTTP 503", "rs 10.0.0.11:80 up: ok"]);
    const agg = all[2]!.request as { reason: string; transitions: number; to: string; listed: unknown[] };
    expect(agg.transitions).toBe(19);
    expect(agg.to).toBe("down");
    expect(agg.listed).toHaveLength(10);
    expect(agg.reason).toMatch(/^rs 10\.0\.0\.11:80 flapping: 19 transitions in \d+ s, now down: timeout after 2 s$/);
  });

  it("transitions the agent reported before the server watched are not audited; latencies are sampled on the service topic", async () => {
    a = await healthAgent();
    a.health!.configure({ services: [{ key: SVC.key as never, quorum: 1, hysteresis: 0, sorryServer: null, realServers: [{ key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "masq", weight: 1 } as never, checkers: [{ kind: "TCP_CHECK" }] }] }] });
    a.health!.result("10.0.0.11", false, "connect refused", 3, "down");
    s = await startServer({ health: { pollMs: 100 } });
    expect((await s.api("POST", "/api/directors", registration(a.h, "d1"))).status).toBe(201);
    await until(() => s!.app.health.view("d1").services[SK]?.realServers["10.0.0.11:80"]?.state === "down", 5000, "down");
    expect(s.app.health.view("d1").services[SK]!.realServers["10.0.0.11:80"]!.checkers).toEqual(["TCP_CHECK"]);
    peer = await LivePeer.open(s.url);
    peer.send({ type: "subscribe", topic: `health:d1:${SK}` });
    const base = Date.now() + 1000;
    for (let i = 0; i < 5; i++) {
      a.health!.result("10.0.0.11", false, "connect refused", 10 + i, undefined, base + i * 1000);
      await new Promise((r) => setTimeout(r, 200));
    }
    const lat = await until(() => {
      const v = live<HealthLatencyView>(peer!, `health:d1:${SK}`)?.latency["10.0.0.11:80"];
      return v && Object.keys(v).length >= 5 ? v : null;
    }, 5000, "five latency points");
    expect(Object.values(lat).slice(-5)).toEqual([10, 11, 12, 13, 14]);
    expect(await healthAudit(s)).toEqual([]);
  });
});
