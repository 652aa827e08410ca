// keepalived's checker semantics with a fake clock: retry and delay_before_retry, warmup,
// alpha, inhibit_on_failure, quorum with hysteresis and the sorry server, and operator intent
// (a drained server stays at 0; a weight set while down is the one restored).
import { beforeEach, describe, expect, it } from "vitest";
import { HealthConfig, type ServiceHealthInput } from "@/protocol/health.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { HealthConfigError, HealthManager } from "@/agent/health/manager.ts";
import { withHealthIntent } from "@/agent/health/intent-client.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { FakeClock, scriptedChecks } from "./health-fakes.ts";

const SVC = { protocol: "tcp", address: "10.0.0.100", port: 80 } satisfies ServiceKey;
const RS = ["10.0.0.11", "10.0.0.12", "10.0.0.13"];
const conf = (w = 1) => ({ forwarding: "masq" as const, weight: w, upperThreshold: 0, lowerThreshold: 0, tunnel: null });

let ipvs: FakeIpvs;
let clock: FakeClock;
let up: Set<string>;
let checks: ReturnType<typeof scriptedChecks>;
let hm: HealthManager;

async function setup(svc: Partial<ServiceHealthInput> = {}, rs: Record<string, unknown> = {}, n = 1) {
  await ipvs.createService({ key: SVC, config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
  for (const a of RS.slice(0, n)) await ipvs.createDestination(SVC, { key: { address: a, port: 80 }, config: conf() });
  const cfg = HealthConfig.parse({
    services: [{
      key: SVC, delayLoop: 10, warmup: 0, ...svc,
      realServers: RS.slice(0, n).map((a) => ({ key: { address: a, port: 80 }, config: conf(), checkers: [{ kind: "TCP_CHECK" }], ...rs })),
    }],
  });
  await hm.configure(cfg);
}

/** address -> weight of what the table holds for the service */
function table(): Record<string, number> {
  const s = ipvs.services.get(`tcp:${SVC.address}:${SVC.port}`)!;
  return Object.fromEntries(s.destinations.map((d) => [d.key.address, d.config.weight]));
}
const stateOf = (a: string) => hm.status().realServers.find((r) => r.key.address === a)!;

beforeEach(() => {
  ipvs = new FakeIpvs();
  clock = new FakeClock();
  up = new Set(RS);
  checks = scriptedChecks(clock, up);
  hm = new HealthManager(ipvs, { clock, runCheck: checks.run });
});

describe("one checker", () => {
  it("retries `retry` times delay_before_retry apart, then removes; a success puts it back", async () => {
    await setup({ retry: 2, delayBeforeRetry: 3 });
    await clock.advance(0);
    expect(stateOf(RS[0]!).state).toBe("up");
    up.delete(RS[0]!);
    await clock.advance(10_000); // t=10 s: first failure
    await clock.advance(5_900); // t=15.9 s: the retry at 13 s failed, the one at 16 s is not due
    expect(table()).toEqual({ [RS[0]!]: 1 });
    expect(checks.calls.map((c) => c.at)).toEqual([0, 10_000, 13_000]);
    await clock.advance(100); // t=16: the second retry fails: down
    expect(table()).toEqual({});
    const s = stateOf(RS[0]!);
    expect(s.state).toBe("down");
    expect(s.lastResult?.reason).toBe("connect refused");
    expect(s.consecutiveFailures).toBe(3);
    up.add(RS[0]!);
    await clock.advance(10_000); // t=26: delay_loop after going down
    expect(table()).toEqual({ [RS[0]!]: 1 });
    expect(stateOf(RS[0]!).transitions.map((t) => t.to)).toEqual(["up", "down", "up"]);
  });

  it("starts the first check at random x warmup", async () => {
    clock.rand = 0.5;
    await setup({ warmup: 8 });
    await clock.advance(3_999);
    expect(checks.calls).toEqual([]);
    expect(stateOf(RS[0]!).state).toBe("unknown");
    await clock.advance(1);
    expect(checks.calls.map((c) => c.at)).toEqual([4_000]);
  });

  it("alpha: out of the pool until a first success", async () => {
    await setup({ alpha: true });
    expect(table()).toEqual({});
    await clock.advance(0);
    expect(table()).toEqual({ [RS[0]!]: 1 });
  });

  it("alpha with a failing server: never added, down after the first check", async () => {
    up.clear();
    await setup({ alpha: true, retry: 3 });
    await clock.advance(0);
    expect(table()).toEqual({});
    expect(stateOf(RS[0]!).state).toBe("down");
    expect(checks.calls.length).toBe(1); // no retries for a server already down
  });

  it("inhibit_on_failure: weight 0 instead of removal", async () => {
    await setup({ retry: 0, inhibitOnFailure: true });
    await clock.advance(0);
    up.clear();
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[0]!]: 0 });
    up.add(RS[0]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[0]!]: 1 });
  });
});

describe("quorum and sorry server", () => {
  const sorry = { key: { address: "10.0.0.99", port: 80 } };
  it("below quorum the live servers leave and the sorry server comes in; back above, the reverse", async () => {
    await setup({ retry: 0, quorum: 2, sorryServer: sorry }, {}, 3);
    await clock.advance(0);
    up.delete(RS[0]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[1]!]: 1, [RS[2]!]: 1 });
    up.delete(RS[1]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ "10.0.0.99": 1 });
    expect(hm.status().services[0]).toMatchObject({ quorumUp: false, sorryServerActive: true, liveWeight: 1 });
    up.add(RS[0]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[0]!]: 1, [RS[2]!]: 1 });
  });

  it("hysteresis: lost below quorum - hysteresis, regained at quorum + hysteresis", async () => {
    await setup({ retry: 0, quorum: 2, hysteresis: 1, sorryServer: sorry }, {}, 3);
    await clock.advance(0);
    up.delete(RS[0]!);
    up.delete(RS[1]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[2]!]: 1 }); // 1 live >= 2 - 1: still up
    up.delete(RS[2]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ "10.0.0.99": 1 });
    up.add(RS[0]!);
    up.add(RS[1]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ "10.0.0.99": 1 }); // 2 < 2 + 1: not yet
    up.add(RS[2]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[0]!]: 1, [RS[1]!]: 1, [RS[2]!]: 1 });
  });

  it("sorry_server_inhibit: the sorry server waits at weight 0", async () => {
    await setup({ retry: 0, quorum: 1, sorryServer: { ...sorry, inhibit: true } });
    expect(table()).toEqual({ [RS[0]!]: 1, "10.0.0.99": 0 });
    up.clear();
    await clock.advance(10_000);
    expect(table()).toEqual({ "10.0.0.99": 1 });
  });
});

describe("operator intent", () => {
  it("a drained server stays at weight 0 through a failure and a recovery", async () => {
    await setup({ retry: 0 });
    const client = withHealthIntent(ipvs, hm);
    await clock.advance(0);
    await client.updateDestination(SVC, { key: { address: RS[0]!, port: 80 }, config: conf(0) });
    expect(table()).toEqual({ [RS[0]!]: 0 });
    expect(stateOf(RS[0]!).state).toBe("disabled");
    up.clear();
    await clock.advance(10_000);
    expect(table()).toEqual({});
    up.add(RS[0]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[0]!]: 0 });
    expect(stateOf(RS[0]!).state).toBe("disabled");
  });

  it("a weight set while down is not written, and is the weight it recovers with", async () => {
    await setup({ retry: 0 });
    const client = withHealthIntent(ipvs, hm);
    await clock.advance(0);
    up.clear();
    await clock.advance(10_000);
    await client.updateDestination(SVC, { key: { address: RS[0]!, port: 80 }, config: conf(7) });
    expect(table()).toEqual({});
    up.add(RS[0]!);
    await clock.advance(10_000);
    expect(table()).toEqual({ [RS[0]!]: 7 });
    expect(hm.config().services[0]!.realServers[0]!.config.weight).toBe(7);
  });

  it("deleting a checked server stops its checks; a delete of one health removed succeeds", async () => {
    await setup({ retry: 0 }, {}, 2);
    const client = withHealthIntent(ipvs, hm);
    await clock.advance(0);
    up.delete(RS[0]!);
    await clock.advance(10_000);
    await client.deleteDestination(SVC, { address: RS[0]!, port: 80 });
    const before = checks.calls.length;
    await clock.advance(30_000);
    expect(checks.calls.slice(before).every((c) => c.address === RS[1])).toBe(true);
    expect(hm.status().realServers.map((r) => r.key.address)).toEqual([RS[1]]);
  });
});

describe("configuration", () => {
  it("refuses MISC_CHECK unless script checks are allowed", async () => {
    const cfg = HealthConfig.parse({
      services: [{ key: SVC, realServers: [{ key: { address: RS[0], port: 80 }, config: conf(), checkers: [{ kind: "MISC_CHECK", miscPath: ["/bin/true"] }] }] }],
    });
    await expect(hm.configure(cfg)).rejects.toBeInstanceOf(HealthConfigError);
    const allowed = new HealthManager(ipvs, { clock, runCheck: checks.run, allowScriptChecks: true });
    await ipvs.createService({ key: SVC, config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
    await expect(allowed.configure(cfg)).resolves.toBeUndefined();
    allowed.stop();
  });

  it("bounds the checks in flight", async () => {
    let inflight = 0;
    let peak = 0;
    const slow = new HealthManager(ipvs, {
      clock, maxConcurrent: 2,
      runCheck: async () => {
        peak = Math.max(peak, ++inflight);
        await new Promise((r) => setTimeout(r, 5));
        inflight--;
        return { ok: true, reason: "connected" };
      },
    });
    hm = slow;
    await setup({}, {}, 3);
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(checks.calls.length).toBe(0);
    expect(peak).toBe(2);
    expect(slow.status().realServers.every((r) => r.lastResult?.ok)).toBe(true);
    slow.stop();
  });
});
