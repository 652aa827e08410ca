// NetlinkIpvsClient against the real kernel, with the real ipvsadm in the same director
// namespace as the oracle: what the client writes, ipvsadm reads back (-S -n, --thresholds);
// what ipvsadm -R writes, the client reads back field by field; a seeded random configuration
// both ways; kernel errors and validation failures (which must leave the table unchanged).
// The client runs in the guest through test/lab/guest/ipvs-ops.ts (bundled), one batch per node start.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Destination, DestinationState, Service, ServiceState } from "@/protocol/ipvs.ts";
import type { Op, OpResult } from "./guest/ipvs-ops.ts";
import {
  listName,
  parseThresholds,
  restoreText,
  type ServiceWithDests,
  saveLines,
  thresholdFacts,
} from "./guest/ipvs-save-format.ts";
import { clearAll, director, guestNode, ipvsadm, ok, quiet, resetRules } from "./lab.ts";


async function runOps(target: string, ops: Op[]): Promise<OpResult[]> {
  const out = await ok(target, await guestNode("test/lab/guest/ipvs-ops.ts"), JSON.stringify(ops));
  const results = JSON.parse(out) as OpResult[];
  expect(results).toHaveLength(ops.length);
  return results;
}

function okValue(r: OpResult | undefined): unknown {
  if (!r || !("ok" in r)) throw new Error(`operation failed: ${JSON.stringify(r)}`);
  return r.ok;
}

const base: Omit<Service["config"], "scheduler"> = { schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const svc = (key: Service["key"], config: Partial<Service["config"]> & { scheduler: Service["config"]["scheduler"] }): Service => ({
  key,
  config: { ...base, ...config },
});
const dst = (address: string, port: number, config: Partial<Destination["config"]> & Pick<Destination["config"], "forwarding">): Destination => ({
  key: { address, port },
  config: { weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null, ...config },
});
const tcp = (address: string, port: number) => ({ protocol: "tcp" as const, address, port });
const udp = (address: string, port: number) => ({ protocol: "udp" as const, address, port });

/** Every kind the model has that ipvsadm can also express. */
const MATRIX: ServiceWithDests[] = [
  {
    service: svc(tcp("10.20.0.1", 80), { scheduler: "rr" }),
    dests: [
      dst("10.0.0.11", 8080, { forwarding: "masq" }),
      dst("10.0.0.12", 80, { forwarding: "route", weight: 2, upperThreshold: 100, lowerThreshold: 20 }),
      dst("10.0.0.13", 80, { forwarding: "tunnel", weight: 3, tunnel: { type: "ipip", port: 0, checksum: "nocsum" } }),
      dst("192.0.2.9", 80, { forwarding: "tunnel", tunnel: { type: "gue", port: 6080, checksum: "remcsum" } }),
      dst("192.0.2.10", 80, { forwarding: "tunnel", tunnel: { type: "gre", port: 0, checksum: "csum" } }),
      dst("2001:db8:1::9", 80, { forwarding: "tunnel", tunnel: { type: "gue", port: 6081, checksum: "csum" } }),
    ],
  },
  { service: svc(udp("10.20.0.2", 53), { scheduler: "sh", schedulerFlags: ["flag-1", "flag-2"] }), dests: [dst("10.0.0.11", 53, { forwarding: "masq", weight: 0 })] },
  { service: svc(udp("10.20.0.3", 53), { scheduler: "rr", onePacket: true }), dests: [] },
  { service: svc(udp("10.20.0.4", 5060), { scheduler: "rr", persistence: { timeout: 60, netmask: "255.255.255.255" }, pe: "sip" }), dests: [] },
  { service: svc(tcp("10.20.0.5", 0), { scheduler: "wlc", persistence: { timeout: 360, netmask: "255.255.255.0" } }), dests: [dst("10.0.0.14", 0, { forwarding: "route" })] },
  { service: svc({ protocol: "sctp", address: "10.20.0.6", port: 3868 }, { scheduler: "mh", schedulerFlags: ["flag-2"] }), dests: [dst("10.0.0.11", 3868, { forwarding: "masq", weight: 70000 })] },
  {
    service: svc(tcp("2001:db8::1", 443), { scheduler: "wrr", persistence: { timeout: 100, netmask: "64" } }),
    dests: [dst("2001:db8::10", 8443, { forwarding: "masq", upperThreshold: 7 })],
  },
  {
    service: svc({ protocol: "fwmark", fwmark: 7, family: "ipv4" }, { scheduler: "wlc" }),
    dests: [dst("10.0.0.14", 8080, { forwarding: "route" }), dst("10.0.0.15", 8080, { forwarding: "masq", upperThreshold: 50 })],
  },
  { service: svc({ protocol: "fwmark", fwmark: 8, family: "ipv6" }, { scheduler: "rr", persistence: { timeout: 360, netmask: "128" }, onePacket: true }), dests: [] },
  ...(["lc", "lblc", "lblcr", "dh", "sed", "nq", "fo", "ovf", "none"] as const).map((scheduler, i) => ({
    service: svc(tcp(`10.20.1.${i + 1}`, 80), { scheduler }),
    dests: [dst("10.0.0.16", 80, { forwarding: "route", weight: i })],
  })),
  { service: svc(tcp("10.20.2.1", 80), { scheduler: "wrr", schedulerFlags: ["flag-1", "flag-3"] }), dests: [] },
];

function createOps(config: ServiceWithDests[]): Op[] {
  return config.flatMap(({ service, dests }) => [
    { op: "createService", args: [service] },
    ...dests.map((d) => ({ op: "createDestination", args: [service.key, d] })),
  ]);
}

/** Domain view of a listing without counters, in a stable order for comparison. */
function configOf(list: ServiceState[]): ServiceWithDests[] {
  const destKey = (d: Destination) => `${d.key.address}|${d.key.port}`;
  return list
    .map((s) => ({
      service: { key: s.key, config: s.config },
      dests: s.destinations.map((d: DestinationState) => ({ key: d.key, config: d.config })).sort((a, b) => destKey(a).localeCompare(destKey(b))),
    }))
    .sort((a, b) => listName(a.service.key).localeCompare(listName(b.service.key)));
}
const normalize = (c: ServiceWithDests[]) => configOf(c.map(({ service, dests }) => ({ ...service, stats: {} as ServiceState["stats"], destinations: dests as DestinationState[] })));

async function saved(d: string): Promise<string[]> {
  return (await ipvsadm(d, "-S", "-n")).split("\n").filter(Boolean).sort();
}

describe("NetlinkIpvsClient on a real kernel", () => {
  const d = director(1).name;

  beforeAll(async () => {
    await quiet(d);
    await clearAll(d);
  });
  afterAll(async () => {
    await resetRules(d);
  });

  it("writes every kind of service and real server; ipvsadm -S -n and --thresholds read the same", async () => {
    await ipvsadm(d, "-C");
    const results = await runOps(d, createOps(MATRIX));
    expect(results.filter((r) => "error" in r)).toEqual([]);
    expect(await saved(d)).toEqual(saveLines(MATRIX));
    expect(parseThresholds(await ipvsadm(d, "-Ln", "--thresholds"))).toEqual(thresholdFacts(MATRIX));
  });

  it("reads back, field by field, what ipvsadm -R configured", async () => {
    await ipvsadm(d, "-C");
    await ok(d, ["ipvsadm", "-R"], restoreText(MATRIX));
    const [list, ...singles] = await runOps(d, [
      { op: "listServices" },
      ...MATRIX.map((m) => ({ op: "listDestinations", args: [m.service.key] })),
      { op: "getService", args: [MATRIX[6]!.service.key] },
    ]);
    expect(configOf(okValue(list) as ServiceState[])).toEqual(normalize(MATRIX));
    MATRIX.forEach((m, i) => {
      expect((okValue(singles[i]) as DestinationState[]).length).toBe(m.dests.length);
    });
    expect(okValue(singles.at(-1))).toMatchObject({ key: MATRIX[6]!.service.key, config: MATRIX[6]!.service.config });
  });

  it("a seeded random configuration agrees both ways", async () => {
    const seed = Number(process.env.IPVS_LAB_SEED ?? 20261122);
    const [config] = fc.sample(randomConfig, { seed, numRuns: 1 });
    // client -> kernel -> ipvsadm
    await ipvsadm(d, "-C");
    const results = await runOps(d, [...createOps(config!), { op: "listServices" }]);
    expect(results.filter((r) => "error" in r), `seed ${seed}`).toEqual([]);
    expect(await saved(d), `seed ${seed}`).toEqual(saveLines(config!));
    expect(parseThresholds(await ipvsadm(d, "-Ln", "--thresholds"))).toEqual(thresholdFacts(config!));
    expect(configOf(okValue(results.at(-1)) as ServiceState[])).toEqual(normalize(config!));
    // ipvsadm -> kernel -> client
    await ipvsadm(d, "-C");
    await ok(d, ["ipvsadm", "-R"], restoreText(config!));
    const [list] = await runOps(d, [{ op: "listServices" }]);
    expect(configOf(okValue(list) as ServiceState[]), `seed ${seed}`).toEqual(normalize(config!));
  });

  it("kernel errors carry errno and ipvsadm's words; validation failures change nothing", async () => {
    await ipvsadm(d, "-C");
    await ok(d, ["ipvsadm", "-R"], restoreText(MATRIX.slice(0, 2)));
    const before = await saved(d);
    const web = MATRIX[0]!.service;
    const missing = tcp("10.99.0.1", 80);
    const results = await runOps(d, [
      { op: "createService", args: [web] },
      { op: "updateService", args: [{ ...web, key: missing }] },
      { op: "deleteService", args: [missing] },
      { op: "listDestinations", args: [missing] },
      { op: "getService", args: [missing] },
      { op: "rawCreateService", args: [{ key: tcp("10.99.0.2", 80), config: { ...base, scheduler: "nosuch" } }] },
      { op: "createDestination", args: [web.key, MATRIX[0]!.dests[0]] },
      { op: "updateDestination", args: [web.key, dst("10.0.0.99", 80, { forwarding: "masq" })] },
      { op: "createDestination", args: [missing, dst("10.0.0.99", 80, { forwarding: "masq" })] },
      { op: "createService", args: [svc(tcp("10.99.0.3", 80), { scheduler: "rr", onePacket: true })] },
      { op: "createDestination", args: [web.key, dst("10.0.0.99", 8080, { forwarding: "route" })] },
      { op: "createDestination", args: [web.key, dst("10.0.0.99", 80, { forwarding: "tunnel", tunnel: { type: "gue", port: 0, checksum: "nocsum" } })] },
      { op: "createService", args: [svc(tcp("10.99.0.4", 0), { scheduler: "rr" })] },
    ]);
    const errs = results.map((r) => ("error" in r ? r.error : { ok: r.ok }));
    expect(errs.slice(0, 9)).toMatchObject([
      { name: "IpvsError", errno: 17, code: "EEXIST", message: "Service already exists" },
      { errno: 3, code: "ESRCH", message: "No such service" },
      { errno: 3, code: "ESRCH", message: "No such service" },
      { op: "listDestinations", errno: 3, code: "ESRCH", message: "No such service" },
      { ok: null },
      { errno: 2, code: "ENOENT", message: "Scheduler or persistence engine not found" },
      { errno: 17, code: "EEXIST", message: "Destination already exists" },
      { errno: 2, code: "ENOENT", message: "No such destination" },
      { errno: 3, code: "ESRCH", message: "Service not defined" },
    ]);
    for (const e of errs.slice(9)) expect(e).toMatchObject({ name: "IpvsValidationError", errno: 22 });
    expect(await saved(d)).toEqual(before);
  });

  it("updates are full replacements done right; zero, timeouts, info and sync daemons", async () => {
    await ipvsadm(d, "-C");
    // without the IPv6 tunnel dest: the kernel refuses a sync daemon while mixed-family dests exist
    await ok(d, ["ipvsadm", "-R"], restoreText([{ ...MATRIX[0]!, dests: MATRIX[0]!.dests.slice(0, 5) }]));
    const web = MATRIX[0]!.service;
    const gue = MATRIX[0]!.dests[3]!;
    const results = await runOps(d, [
      { op: "updateDestination", args: [web.key, { ...gue, config: { ...gue.config, weight: 0 } }] },
      { op: "updateService", args: [{ ...web, config: { ...web.config, scheduler: "wrr", persistence: { timeout: 30, netmask: "255.255.0.0" } } }] },
      { op: "deleteDestination", args: [web.key, MATRIX[0]!.dests[0]!.key] },
      { op: "zero", args: [web.key] },
      { op: "zero" },
      { op: "setTimeouts", args: [{ udp: 77 }] },
      { op: "getTimeouts" },
      { op: "setTimeouts", args: [{ udp: 300 }] },
      { op: "info" },
      { op: "startDaemon", args: [{ state: "master", mcastInterface: "uplink", syncId: 5 }] },
      { op: "listDaemons" },
      { op: "startDaemon", args: [{ state: "master", mcastInterface: "uplink", syncId: 5 }] },
      { op: "stopDaemon", args: ["master"] },
      { op: "stopDaemon", args: ["master"] },
      { op: "listDaemons" },
    ]);
    expect(results.slice(0, 6).filter((r) => "error" in r)).toEqual([]);
    const lines = await saved(d);
    expect(lines).toContain("-a -t 10.20.0.1:80 -r 192.0.2.9:80 -i -w 0 --tun-type gue --tun-port 6080 --tun-remcsum");
    expect(lines).toContain("-A -t 10.20.0.1:80 -s wrr -p 30 -M 255.255.0.0");
    expect(lines.some((l) => l.includes("10.0.0.11:8080"))).toBe(false);
    expect(okValue(results[6])).toEqual({ tcp: 900, tcpFin: 120, udp: 77 });
    expect(okValue(results[8])).toEqual({ version: "1.2.1", connTableSize: 4096 });
    expect(results[9]).toMatchObject({ ok: null });
    expect(okValue(results[10])).toMatchObject([{ state: "master", mcastInterface: "uplink", syncId: 5, mcastPort: 8848, mcastTtl: 1 }]);
    expect(results[11]).toMatchObject({ error: { code: "EEXIST", message: "Daemon has already run" } });
    expect(results[12]).toMatchObject({ ok: null });
    expect(results[13]).toMatchObject({ error: { code: "ESRCH", message: "No daemon is running" } });
    expect(okValue(results[14])).toEqual([]);
    expect(await ipvsadm(d, "-L", "--timeout")).toContain("Timeout (tcp tcpfin udp): 900 120 300");
  });
});

// ---- seeded random configuration that both ipvsadm and the model can express ----
const octet = fc.integer({ min: 1, max: 254 });
const v4 = (a: number) => fc.tuple(octet, octet).map(([x, y]) => `10.${a}.${x}.${y}`);
const v6 = (p: string) => fc.integer({ min: 1, max: 0xfffe }).map((x) => `2001:db8:${p}::${x.toString(16)}`);
const svcKeyArb = fc.oneof(
  fc.record({ protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const), address: fc.oneof(v4(30), v6("30")), port: fc.integer({ min: 0, max: 65535 }) }),
  fc.record({ protocol: fc.constant("fwmark" as const), fwmark: fc.integer({ min: 1, max: 0xffffffff }), family: fc.constantFrom("ipv4" as const, "ipv6" as const) }),
);
const SCHEDS = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"] as const;

const serviceArb: fc.Arbitrary<ServiceWithDests> = svcKeyArb.chain((key) => {
  const six = key.protocol === "fwmark" ? key.family === "ipv6" : key.address.includes(":");
  const persistence = fc.option(
    fc.record({
      timeout: fc.integer({ min: 1, max: 2678400 }),
      netmask: six ? fc.integer({ min: 1, max: 128 }).map(String) : fc.constantFrom("255.255.255.255", "255.255.255.0", "255.255.0.0", "255.0.0.0"),
    }),
    { nil: null },
  );
  const config = fc
    .record({
      scheduler: fc.constantFrom(...SCHEDS),
      flags: fc.subarray(["flag-1", "flag-2", "flag-3"] as const),
      persistence: key.protocol !== "fwmark" && key.port === 0 ? persistence.filter((p) => p !== null) : persistence,
      pe: fc.boolean(),
      onePacket: fc.boolean(),
    })
    .map(({ scheduler, flags, persistence, pe, onePacket }) => ({
      scheduler,
      // sh/mh print bits 1-2 under their own names; keep bit 3 to the generic schedulers
      schedulerFlags: scheduler === "sh" || scheduler === "mh" ? flags.filter((f) => f !== "flag-3") : [...flags],
      persistence,
      pe: pe && persistence && key.protocol === "udp" ? ("sip" as const) : null,
      onePacket: onePacket && (key.protocol === "udp" || key.protocol === "fwmark"),
    }));
  const sport = key.protocol === "fwmark" ? null : key.port;
  const dest = fc
    .record({
      fwd: fc.constantFrom("masq" as const, "route" as const, "tunnel" as const),
      address: fc.oneof(v4(40), v6("40")),
      port: fc.integer({ min: 0, max: 65535 }),
      weight: fc.integer({ min: 0, max: 100000 }),
      upper: fc.integer({ min: 0, max: 1000 }),
      lower: fc.integer({ min: 0, max: 1000 }),
      tunnel: fc.oneof(
        fc.constant({ type: "ipip" as const, port: 0, checksum: "nocsum" as const }),
        fc.record({ type: fc.constant("gue" as const), port: fc.integer({ min: 1, max: 65535 }), checksum: fc.constantFrom("nocsum" as const, "csum" as const, "remcsum" as const) }),
        fc.record({ type: fc.constant("gre" as const), port: fc.constant(0), checksum: fc.constantFrom("nocsum" as const, "csum" as const) }),
      ),
    })
    .map(({ fwd, address, port, weight, upper, lower, tunnel }): Destination => {
      const sameFamily = address.includes(":") === six;
      const forwarding = sameFamily ? fwd : "tunnel";
      return {
        key: { address, port: forwarding !== "masq" && sport !== null ? sport : port },
        config: {
          forwarding,
          weight,
          upperThreshold: upper,
          lowerThreshold: upper === 0 ? 0 : Math.min(lower, upper),
          tunnel: forwarding === "tunnel" ? tunnel : null,
        },
      };
    });
  return fc.record({
    service: config.map((c) => ({ key, config: c })),
    dests: fc.uniqueArray(dest, { maxLength: 4, selector: (x) => `${x.key.address}|${x.key.port}` }),
  });
});

const randomConfig = fc.uniqueArray(serviceArb, { minLength: 8, maxLength: 14, selector: (s) => listName(s.service.key) });
