import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IpvsValidationError } from "@/agent/ipvs/errors.ts";
import { validateDaemon, validateDestination, validateService, validateTimeouts } from "@/agent/ipvs/validate.ts";
import type { Destination, Service, ServiceKey } from "@/protocol/ipvs.ts";
import { service } from "./ipvs-arbitraries.ts";

const tcp80: ServiceKey = { protocol: "tcp", address: "10.1.1.1", port: 80 };
const baseConfig: Service["config"] = { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const svc = (key: ServiceKey, config: Partial<Service["config"]> = {}): Service => ({ key, config: { ...baseConfig, ...config } });
const dest = (address: string, port: number, config: Partial<Destination["config"]> = {}): Destination => ({
  key: { address, port },
  config: { forwarding: "masq", weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null, ...config },
});

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof IpvsValidationError) {
      expect(e).toMatchObject({ errno: 22, code: "EINVAL" });
      return e.issues;
    }
    throw e;
  }
  return [];
}

describe("service validation", () => {
  it.each<[string, Service, RegExp]>([
    ["port 0 without persistence", svc({ ...tcp80, port: 0 }), /Zero port specified for non-persistent service/],
    ["one-packet on TCP", svc(tcp80, { onePacket: true }), /One-Packet Scheduling is only for UDP/],
    ["one-packet on SCTP", svc({ ...tcp80, protocol: "sctp" }, { onePacket: true }), /One-Packet/],
    ["pe without persistence", svc(tcp80, { pe: "sip" }), /persistence engine needs persistence/],
    ["unknown scheduler", svc(tcp80, { scheduler: "twos" as Service["config"]["scheduler"] }), /Unknown scheduler "twos"/],
    ["non-contiguous IPv4 mask", svc(tcp80, { persistence: { timeout: 60, netmask: "255.0.255.0" } }), /illegal IPv4 netmask/],
    ["IPv6 prefix 0", svc({ ...tcp80, address: "2001:db8::1" }, { persistence: { timeout: 60, netmask: "0" } }), /illegal ipv6 netmask/],
    ["IPv6 prefix 129", svc({ protocol: "fwmark", fwmark: 1, family: "ipv6" }, { persistence: { timeout: 60, netmask: "129" } }), /illegal ipv6 netmask/],
    ["timeout too long", svc(tcp80, { persistence: { timeout: 2678401, netmask: "255.255.255.255" } }), /timeout/],
    ["bad address", svc({ ...tcp80, address: "10.1.1" }), /address/],
    ["port out of range", svc({ ...tcp80, port: 65536 }), /port/],
    ["fwmark 0", svc({ protocol: "fwmark", fwmark: 0, family: "ipv4" }), /fwmark/],
  ])("%s", (_name, s, message) => {
    const issues = issuesOf(() => validateService("createService", s));
    expect(issues.join("\n")).toMatch(message);
  });

  it("accepts what ipvsadm accepts", () => {
    expect(issuesOf(() => validateService("createService", svc({ ...tcp80, port: 0 }, { persistence: { timeout: 360, netmask: "255.255.255.0" } })))).toEqual([]);
    expect(issuesOf(() => validateService("createService", svc({ protocol: "fwmark", fwmark: 7, family: "ipv4" }, { onePacket: true })))).toEqual([]);
    expect(issuesOf(() => validateService("createService", svc({ ...tcp80, protocol: "udp" }, { persistence: { timeout: 60, netmask: "255.255.255.255" }, pe: "sip" })))).toEqual([]);
    // sh/mh flags are generic bits in the model and fine for any scheduler
    expect(issuesOf(() => validateService("createService", svc(tcp80, { scheduler: "wlc", schedulerFlags: ["flag-1", "flag-2"] })))).toEqual([]);
  });

  it("accepts every generated valid service", () => {
    fc.assert(
      fc.property(service, (s) => {
        expect(validateService("createService", s)).toEqual(s);
      }),
    );
  });

  it("applies schema defaults", () => {
    const v = validateService("createService", { key: tcp80, config: { scheduler: "wlc" } });
    expect(v.config).toEqual({ scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false });
  });
});

describe("destination validation", () => {
  const fw: ServiceKey = { protocol: "fwmark", fwmark: 5, family: "ipv4" };
  it.each<[string, ServiceKey, Destination, RegExp]>([
    ["DR port differs", tcp80, dest("10.0.0.2", 8080, { forwarding: "route" }), /must equal the service port 80/],
    ["TUN port differs", tcp80, dest("10.0.0.2", 81, { forwarding: "tunnel", tunnel: { type: "ipip", port: 0, checksum: "nocsum" } }), /must equal the service port/],
    ["IPv6 dest on IPv4 masq", tcp80, dest("2001:db8::2", 80), /Different address family is allowed only for tunneling servers/],
    ["lower without upper", tcp80, dest("10.0.0.2", 80, { lowerThreshold: 5 }), /lower threshold needs an upper threshold/],
    ["lower above upper", tcp80, dest("10.0.0.2", 80, { upperThreshold: 5, lowerThreshold: 6 }), /Lower threshold 6 is above the upper threshold 5/],
    ["weight negative", tcp80, dest("10.0.0.2", 80, { weight: -1 }), /weight/],
    ["weight too large", tcp80, dest("10.0.0.2", 80, { weight: 2147483648 }), /weight/],
    ["tunnel options on masq", tcp80, dest("10.0.0.2", 80, { tunnel: { type: "gue", port: 6080, checksum: "csum" } }), /Tunnel options conflict with forward method/],
    ["gue without port", tcp80, dest("10.0.0.2", 80, { forwarding: "tunnel", tunnel: { type: "gue", port: 0, checksum: "nocsum" } }), /tun-port/],
    ["gre remcsum", tcp80, dest("10.0.0.2", 80, { forwarding: "tunnel", tunnel: { type: "gre", port: 0, checksum: "remcsum" } }), /'gre' tunnel type has no remcsum/],
    ["ipip with csum", tcp80, dest("10.0.0.2", 80, { forwarding: "tunnel", tunnel: { type: "ipip", port: 0, checksum: "csum" } }), /'ipip' tunnel type takes no checksum/],
    ["gre with a port", tcp80, dest("10.0.0.2", 80, { forwarding: "tunnel", tunnel: { type: "gre", port: 5, checksum: "nocsum" } }), /only for the 'gue' tunnel type/],
    ["real server port out of range", tcp80, dest("10.0.0.2", 70000), /port/],
    ["bad service key", { ...tcp80, address: "x" }, dest("10.0.0.2", 80), /service/],
  ])("%s", (_name, key, d, message) => {
    expect(issuesOf(() => validateDestination("createDestination", key, d)).join("\n")).toMatch(message);
  });

  it("accepts valid combinations", () => {
    const ok = (key: ServiceKey, d: Destination) => expect(issuesOf(() => validateDestination("createDestination", key, d))).toEqual([]);
    ok(tcp80, dest("10.0.0.2", 8080));
    ok(tcp80, dest("10.0.0.2", 80, { forwarding: "route", upperThreshold: 100, lowerThreshold: 20 }));
    ok(fw, dest("10.0.0.2", 8080, { forwarding: "route" }));
    ok(fw, dest("10.0.0.2", 0, { forwarding: "route" }));
    ok(tcp80, dest("2001:db8::9", 80, { forwarding: "tunnel", tunnel: { type: "gue", port: 6080, checksum: "remcsum" } }));
    ok(tcp80, dest("10.0.0.2", 80, { forwarding: "tunnel", tunnel: null }));
    ok(tcp80, dest("10.0.0.2", 80, { weight: 2147483647 }));
  });
});

describe("daemon and timeout validation", () => {
  it("refuses a non-multicast group and a long interface name", () => {
    expect(issuesOf(() => validateDaemon("startDaemon", { state: "master", mcastInterface: "eth0", syncId: 1, mcastGroup: "10.0.0.1" })).join()).toMatch(/not a multicast address/);
    expect(issuesOf(() => validateDaemon("startDaemon", { state: "master", mcastInterface: "x".repeat(16), syncId: 1 })).join()).toMatch(/mcastInterface/);
    expect(issuesOf(() => validateDaemon("startDaemon", { state: "backup", mcastInterface: "eth0", syncId: 256 })).join()).toMatch(/syncId/);
    expect(issuesOf(() => validateDaemon("startDaemon", { state: "master", mcastInterface: "eth0", syncId: 1, mcastGroup: "ff02::1" }))).toEqual([]);
  });
  it("refuses timeouts outside 0..2678400", () => {
    expect(issuesOf(() => validateTimeouts("setTimeouts", { tcp: -1 })).join()).toMatch(/invalid tcp timeout -1/);
    expect(issuesOf(() => validateTimeouts("setTimeouts", { udp: 2678401 })).join()).toMatch(/invalid udp timeout/);
    expect(issuesOf(() => validateTimeouts("setTimeouts", { tcpFin: 1.5 })).join()).toMatch(/tcpFin/);
    expect(issuesOf(() => validateTimeouts("setTimeouts", { tcp: 0, udp: 2678400 }))).toEqual([]);
  });
});
