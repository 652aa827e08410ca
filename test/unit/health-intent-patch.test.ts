// dest.update (the request the dashboard's edit, drain and undrain send, and lvsctl -e) on a
// checked real server that is down, through the agent's real handler over the health intent
// client: the handler's read-modify-write must patch the operator's intent, not what health
// wrote. Found by test/lab/health-drain.test.ts on the real kernel: a removed server answered
// "no destination" (the operator's weight was lost), and an inhibited one was patched over
// health's weight 0 (a threshold change made it recover at weight 0).
import { beforeEach, describe, expect, it } from "vitest";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import type { HandlerContext } from "@/agent/handlers/context.ts";
import { withHealthIntent } from "@/agent/health/intent-client.ts";
import { HealthManager } from "@/agent/health/manager.ts";
import { HealthConfig } from "@/protocol/health.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { FakeClock, scriptedChecks } from "./health-fakes.ts";

const SVC = { protocol: "tcp", address: "10.0.0.100", port: 80 } satisfies ServiceKey;
const RS = { address: "10.0.0.12", port: 80 };
const conf = (weight: number) => ({ forwarding: "masq" as const, weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null });

let ipvs: FakeIpvs;
let clock: FakeClock;
let up: Set<string>;
let hm: HealthManager;

beforeEach(async () => {
  ipvs = new FakeIpvs();
  clock = new FakeClock();
  up = new Set([RS.address]);
  hm = new HealthManager(ipvs, { clock, runCheck: scriptedChecks(clock, up).run });
});

async function setup(inhibitOnFailure: boolean) {
  await ipvs.createService({ key: SVC, config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false } });
  await ipvs.createDestination(SVC, { key: RS, config: conf(5) });
  await hm.configure(
    HealthConfig.parse({
      services: [{ key: SVC, delayLoop: 10, warmup: 0, retry: 0, inhibitOnFailure, realServers: [{ key: RS, config: conf(5), checkers: [{ kind: "TCP_CHECK" }] }] }],
    }),
  );
  await clock.advance(0);
  const update = ipvsHandlers(withHealthIntent(ipvs, hm))["dest.update"]!;
  return (config: { weight?: number; upperThreshold?: number }) => update({ service: SVC, key: RS, config }, {} as HandlerContext);
}

const inTable = () => ipvs.services.get(`tcp:${SVC.address}:${SVC.port}`)!.destinations.find((d) => d.key.address === RS.address)?.config ?? null;
const goDown = async () => {
  up.clear();
  await clock.advance(10_000);
};
const comeBack = async () => {
  up.add(RS.address);
  await clock.advance(10_000);
};

describe("dest.update on a checked real server that is down", () => {
  it("removed (no inhibit_on_failure): the weight is accepted, not written, and is the one it recovers with", async () => {
    const patch = await setup(false);
    await goDown();
    expect(inTable()).toBeNull();
    // the operator's intent is answered, with what it replaced; not the kernel's entry (health's)
    expect(await patch({ weight: 7 })).toEqual({ key: RS, config: conf(7), previous: { config: conf(5), activeConns: 0, inactiveConns: 0 }, inKernel: false });
    expect(inTable()).toBeNull();
    await comeBack();
    expect(inTable()).toEqual(conf(7));
  });

  it("inhibited: a patch without a weight keeps the configured weight (not health's 0) for the recovery", async () => {
    const patch = await setup(true);
    await goDown();
    expect(inTable()?.weight).toBe(0);
    await patch({ upperThreshold: 50 });
    expect(inTable()?.weight).toBe(0);
    await comeBack();
    expect(inTable()).toEqual({ ...conf(5), upperThreshold: 50 });
  });

  it("a drain while down and an undrain after the recovery, as the dashboard sends them", async () => {
    const patch = await setup(true);
    await goDown();
    await patch({ weight: 0 });
    await comeBack();
    expect(inTable()?.weight).toBe(0);
    expect(hm.status().realServers[0]!.state).toBe("disabled");
    await patch({ weight: 5 });
    expect(inTable()?.weight).toBe(5);
  });

  it("an unchecked real server is patched over the kernel's configuration as before", async () => {
    await setup(false);
    await ipvs.createDestination(SVC, { key: { address: "10.0.0.13", port: 80 }, config: conf(2) });
    const update = ipvsHandlers(withHealthIntent(ipvs, hm))["dest.update"]!;
    await update({ service: SVC, key: { address: "10.0.0.13", port: 80 }, config: { upperThreshold: 9 } }, {} as HandlerContext);
    expect(ipvs.services.get(`tcp:${SVC.address}:${SVC.port}`)!.destinations.find((d) => d.key.address === "10.0.0.13")?.config).toEqual({ ...conf(2), upperThreshold: 9 });
    await expect(update({ service: SVC, key: { address: "10.0.0.14", port: 80 }, config: { weight: 1 } }, {} as HandlerContext)).rejects.toThrow(/no destination 10\.0\.0\.14:80/);
  });
});
