// HA spec checks beyond the schema (agent/ha/validate.ts): each mistake keepalived would refuse
// or silently misread is named with its instance and field, all of them in one error.
import { describe, expect, it } from "vitest";
import type { HostInterface } from "@/agent/ha/addresses.ts";
import { parseIpAddrJson } from "@/agent/ha/addresses.ts";
import { checkSpec, parseSpec, validateSpec } from "@/agent/ha/validate.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { HaSpec, type HaSpecInput } from "@/protocol/ha.ts";

const IFS: HostInterface[] = parseIpAddrJson(
  JSON.stringify([
    { ifname: "lo", flags: ["LOOPBACK", "UP"], addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }] },
    {
      ifname: "br0",
      flags: ["BROADCAST", "MULTICAST", "UP"],
      addr_info: [
        { family: "inet", local: "172.16.0.1", prefixlen: 24 },
        { family: "inet", local: "172.16.0.100", prefixlen: 32 },
        { family: "inet6", local: "fd00::1", prefixlen: 64 },
      ],
    },
    { ifname: "eth1", flags: ["BROADCAST", "MULTICAST", "UP"], addr_info: [{ family: "inet", local: "10.0.0.1", prefixlen: 24 }] },
    { ifname: "ifb0", flags: ["BROADCAST", "NOARP"], addr_info: [] },
  ]),
);

const base = (over: Partial<HaSpecInput["instances"][number]> = {}): HaSpecInput["instances"][number] => ({
  name: "VI_1",
  interface: "br0",
  virtualRouterId: 51,
  priority: 150,
  virtualIpAddresses: [{ address: "172.16.0.150" }],
  ...over,
});
const spec = (instances: HaSpecInput["instances"], sync: HaSpecInput["sync"] = null) => HaSpec.parse({ instances, sync });
const fields = (s: HaSpec) => checkSpec(s, IFS).map((p) => `${p.instance ?? "-"} ${p.field}`);

describe("checkSpec", () => {
  it("accepts a correct pair member (NAT external and internal VIPs, sync, unicast)", () => {
    const ok = spec(
      [
        base({ unicastSrcIp: "172.16.0.1", unicastPeers: ["172.16.0.3"], trackInterfaces: ["eth1"], authentication: { type: "PASS", password: "pw" } }),
        base({ name: "VI_INT", interface: "eth1", virtualRouterId: 51, virtualIpAddresses: [{ address: "10.0.0.254" }] }),
      ],
      { interface: "br0", syncId: 1 },
    );
    expect(checkSpec(ok, IFS)).toEqual([]);
    // the same VRID on another interface is fine (VRIDs are per segment)
  });

  it("names a duplicate VRID on one interface, and a duplicate name or VIP", () => {
    const s = spec([base(), base({ name: "VI_2" }), base({ name: "VI_2", virtualRouterId: 9, virtualIpAddresses: [{ address: "172.16.0.151" }] })]);
    const p = checkSpec(s, IFS);
    expect(p).toContainEqual({ instance: "VI_2", field: "virtualRouterId", message: "51 is already used on br0 by instance VI_1" });
    expect(p.map((x) => `${x.instance} ${x.field}`)).toEqual(["VI_2 virtualRouterId", "VI_2 virtualIpAddresses[0]", "VI_2 name"]);
  });

  it("refuses a VIP outside every subnet (a /32 already bound does not count) and a missing interface", () => {
    expect(fields(spec([base({ virtualIpAddresses: [{ address: "192.0.2.7" }, { address: "172.16.1.1" }] })]))).toEqual([
      "VI_1 virtualIpAddresses[0]",
      "VI_1 virtualIpAddresses[1]",
    ]);
    expect(checkSpec(spec([base({ virtualIpAddresses: [{ address: "192.0.2.7" }] })]), IFS)[0]!.message).toBe(
      "192.0.2.7 is outside every subnet configured on this director's interfaces",
    );
    expect(fields(spec([base({ interface: "br9" })]))).toEqual(["VI_1 interface"]);
    expect(fields(spec([base({ trackInterfaces: ["eth7"], virtualIpAddresses: [{ address: "172.16.0.150", dev: "eth8" }] })]))).toEqual([
      "VI_1 virtualIpAddresses[0].dev",
      "VI_1 trackInterfaces[0]",
    ]);
    expect(fields(spec([base()], { interface: "sync0", syncId: 3 }))).toEqual(["- sync.interface"]);
  });

  it("keepalived's rules: nopreempt / preempt_delay / AH need BACKUP, nopreempt not at priority 255, VRRPv3 has no authentication", () => {
    expect(fields(spec([base({ initialState: "MASTER", preempt: false })]))).toEqual(["VI_1 preempt"]);
    expect(fields(spec([base({ initialState: "MASTER", preemptDelay: 5 })]))).toEqual(["VI_1 preemptDelay"]);
    // keepalived -t exits 5 on it ("nopreempt is incompatible with priority 255"): found by the render property
    expect(fields(spec([base({ priority: 255, preempt: false })]))).toEqual(["VI_1 preempt"]);
    expect(fields(spec([base({ priority: 255, preemptDelay: 5 })]))).toEqual([]);
    // in the sync group: a BACKUP after owners starting as MASTER is refused (keepalived -t exits 5)
    const two = (a: object, b: object) => spec([base(a), base({ name: "VI_2", virtualRouterId: 52, virtualIpAddresses: [{ address: "172.16.0.151" }], ...b })]);
    const M = "MASTER" as const;
    const B = "BACKUP" as const;
    expect(fields(two({ priority: 255, initialState: M }, { priority: 1, initialState: B }))).toEqual(["VI_2 initialState"]);
    expect(fields(two({ priority: 255, initialState: M }, { priority: 255, initialState: B }))).toEqual(["VI_2 initialState"]);
    expect(fields(two({ priority: 255, initialState: M }, { priority: 255, initialState: M }))).toEqual([]);
    expect(fields(two({ priority: 255, initialState: M }, { priority: 100, initialState: M }))).toEqual([]);
    expect(fields(two({ priority: 255, initialState: B }, { priority: 100, initialState: B }))).toEqual([]);
    expect(fields(two({ priority: 100, initialState: B }, { priority: 255, initialState: M }))).toEqual([]);
    expect(fields(spec([base({ initialState: "MASTER", authentication: { type: "AH", password: "x" } })]))).toEqual(["VI_1 authentication"]);
    expect(fields(spec([base({ advertInt: 0.5, authentication: { type: "PASS", password: "x" } })]))).toEqual(["VI_1 authentication"]);
    expect(fields(spec([base({ advertInt: 0.125 })]))).toEqual(["VI_1 advertInt"]);
    expect(fields(spec([base({ authentication: { type: "PASS", password: "a#b" } })]))).toEqual(["VI_1 authentication.password"]);
  });

  it("unicast peers and source of the wrong family; mixed VIP families; no multicast", () => {
    expect(fields(spec([base({ unicastPeers: ["fd00::2"], unicastSrcIp: "172.16.0.1" })]))).toEqual(["VI_1 unicastPeers[0]"]);
    expect(fields(spec([base({ unicastPeers: ["172.16.0.2"], unicastSrcIp: "10.0.0.1" })]))).toEqual(["VI_1 unicastSrcIp"]);
    expect(fields(spec([base({ virtualIpAddresses: [{ address: "172.16.0.150" }, { address: "fd00::150" }] })]))).toEqual(["VI_1 virtualIpAddresses[1]"]);
    expect(fields(spec([base({ interface: "ifb0", virtualIpAddresses: [{ address: "172.16.0.150", dev: "br0" }] })]))).toEqual(["VI_1 interface"]);
  });

  it("validateSpec throws one bad_request listing every problem; a schema error reads the same way", () => {
    const s = spec([base({ virtualIpAddresses: [{ address: "192.0.2.7" }] }), base({ name: "VI_2" })]);
    let err: unknown;
    try {
      validateSpec(s, IFS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ProtocolError);
    const pe = err as ProtocolError;
    expect(pe.code).toBe("bad_request");
    expect(pe.message).toMatch(/^HA spec refused \(2 problems\): instance VI_1: virtualIpAddresses\[0\]: 192\.0\.2\.7 is outside/);
    expect((pe.details as { problems: unknown[] }).problems).toHaveLength(2);
    expect(() => parseSpec({ instances: [{ ...base(), priority: 256 }] })).toThrow(/instance #1: priority: /);
    expect(() => parseSpec({ instances: [{ ...base(), priority: 0 }] })).toThrow(ProtocolError);
  });
});
