import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AttrMap, AttrWriter, decodeAttrList } from "@/agent/netlink/attrs.ts";
import { addressToBytes, canonicalAddress, formatIPv4, formatIPv6 } from "@/agent/ipvs/codec-address.ts";
import { decodeDest, encodeDestFull } from "@/agent/ipvs/codec-dest.ts";
import { decodeDestDump, decodeDestFast } from "@/agent/ipvs/codec-dest-fast.ts";
import { decodeServiceFast } from "@/agent/ipvs/codec-service-fast.ts";
import { AttrError as AttrErr } from "@/agent/netlink/attrs.ts";
import { NetlinkError } from "@/agent/netlink/genl.ts";
import { doneMessage, genlMessage } from "./ipvs-fake.ts";
import {
  decodeDaemon,
  decodeInfo,
  decodeTimeouts,
  encodeDaemon,
  encodeInfo,
  encodeTimeouts,
} from "@/agent/ipvs/codec-misc.ts";
import { decodeService, encodeServiceFull, encodeServiceKey, serviceFamily } from "@/agent/ipvs/codec-service.ts";
import { decodeStats, encodeStats64, encodeStatsLegacy, zeroStats } from "@/agent/ipvs/codec-stats.ts";
import { K } from "@/agent/ipvs/constants.ts";
import { daemon, destination, destinationState, service, stats } from "./ipvs-arbitraries.ts";

/** Wraps payload bytes into one attribute. */
function wrap(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + payload.length, 0);
  h.writeUInt16LE(type, 2);
  return Buffer.concat([h, payload, Buffer.alloc((4 - (payload.length % 4)) % 4)]);
}
const inner = (container: Buffer) => container.subarray(4, container.readUInt16LE(0));
const extra = (fill: (w: AttrWriter) => void) => {
  const w = new AttrWriter();
  fill(w);
  return w.finish();
};

describe("addresses", () => {
  it("IPv6 text <-> bytes round-trips for any 16 bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (b) => {
        const text = formatIPv6(Buffer.from(b));
        expect(addressToBytes(text)).toEqual(Buffer.from(b));
      }),
      { numRuns: 2000 },
    );
  });
  it("IPv6 text matches the WHATWG/RFC 5952 form except for IPv4-mapped/compatible tails", () => {
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const ours = canonicalAddress(s);
        expect(addressToBytes(ours)).toEqual(addressToBytes(s));
        if (!ours.includes(".")) expect(ours).toBe(new URL(`http://[${s}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 2000 },
    );
  });
  it("prints glibc's forms", () => {
    expect(canonicalAddress("2001:db8:0:0:0:0:0:1")).toBe("2001:db8::1");
    expect(canonicalAddress("::ffff:1.2.3.4")).toBe("::ffff:1.2.3.4");
    expect(canonicalAddress("::1")).toBe("::1");
    expect(canonicalAddress("1:0:2:3:4:5:6:7")).toBe("1:0:2:3:4:5:6:7");
    expect(canonicalAddress("::")).toBe("::");
  });
  it("IPv4 round-trips", () => {
    fc.assert(
      fc.property(fc.ipV4(), (s) => {
        expect(formatIPv4(addressToBytes(s))).toBe(s);
      }),
    );
  });
});

describe("service codec", () => {
  it("encode(full) -> decode round-trips every valid service", () => {
    fc.assert(
      fc.property(service, (svc) => {
        const buf = encodeServiceFull(svc);
        const got = decodeService(new AttrMap(buf).nested(K.IPVS_CMD_ATTR_SERVICE));
        expect(got.service).toEqual(svc);
        expect(got.stats).toEqual(zeroStats());
      }),
      { numRuns: 1000 },
    );
  });

  it("decodes a kernel-style reply: HASHED ignored, STATS64 preferred over STATS", () => {
    fc.assert(
      fc.property(service, stats, stats, (svc, s64, legacy) => {
        const payload = Buffer.from(inner(encodeServiceFull(svc)));
        for (const a of decodeAttrList(payload)) {
          if (a.type === K.IPVS_SVC_ATTR_FLAGS) a.payload.writeUInt32LE(a.payload.readUInt32LE(0) | K.IP_VS_SVC_F_HASHED, 0);
        }
        const statsAttrs = extra((w) => {
          encodeStatsLegacy(w, K.IPVS_SVC_ATTR_STATS, legacy);
          encodeStats64(w, K.IPVS_SVC_ATTR_STATS64, s64);
        });
        const container = wrap(K.IPVS_CMD_ATTR_SERVICE, Buffer.concat([payload, statsAttrs]));
        const got = decodeService(new AttrMap(container).nested(1));
        expect(got.service).toEqual(svc);
        expect(got.stats).toEqual(s64);
        // the listing's single-pass decoder agrees, on the container in place
        expect(decodeServiceFast(container, 4, container.length)).toEqual(got);
      }),
      { numRuns: 300 },
    );
  });

  it("sends the wire details the kernel needs", () => {
    const m = new AttrMap(
      encodeServiceFull({
        key: { protocol: "tcp", address: "10.9.9.9", port: 80 },
        config: { scheduler: "wlc", schedulerFlags: [], persistence: { timeout: 300, netmask: "255.255.255.0" }, pe: null, onePacket: false },
      }),
    ).nested(1);
    expect(m.binary(K.IPVS_SVC_ATTR_PORT).toString("hex")).toBe("0050");
    expect(m.binary(K.IPVS_SVC_ATTR_ADDR).toString("hex")).toBe(`0a090909${"00".repeat(12)}`);
    expect(m.binary(K.IPVS_SVC_ATTR_NETMASK).toString("hex")).toBe("ffffff00");
    expect(m.binary(K.IPVS_SVC_ATTR_FLAGS).toString("hex")).toBe("01000000ffffffff");
    expect(m.has(K.IPVS_SVC_ATTR_PE_NAME)).toBe(false);
    const v6 = new AttrMap(
      encodeServiceFull({
        key: { protocol: "fwmark", fwmark: 8, family: "ipv6" },
        config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false },
      }),
    ).nested(1);
    // IPv6 "netmask" is a host-order prefix; 128 when not persistent (the kernel wants 1..128).
    expect(v6.binary(K.IPVS_SVC_ATTR_NETMASK).toString("hex")).toBe("80000000");
    expect(v6.u16(K.IPVS_SVC_ATTR_AF)).toBe(10);
    expect(v6.has(K.IPVS_SVC_ATTR_PROTOCOL)).toBe(false);
  });

  it("the identifying key decodes back to the same service key", () => {
    fc.assert(
      fc.property(service, (svc) => {
        const m = new AttrMap(encodeServiceKey(svc.key)).nested(1);
        expect(m.types().sort()).toEqual(
          svc.key.protocol === "fwmark" ? [K.IPVS_SVC_ATTR_AF, K.IPVS_SVC_ATTR_FWMARK] : [1, 2, 3, 4],
        );
      }),
    );
  });
});

describe("destination codec", () => {
  it("encode(full) -> decode round-trips every destination", () => {
    fc.assert(
      fc.property(destination, fc.constantFrom("ipv4" as const, "ipv6" as const), (d, fam) => {
        const got = decodeDest(new AttrMap(encodeDestFull(d)).nested(K.IPVS_CMD_ATTR_DEST), fam);
        expect({ key: got.key, config: got.config }).toEqual(d);
      }),
      { numRuns: 1000 },
    );
  });

  it("decodes counters and stats of a kernel-style reply", () => {
    fc.assert(
      fc.property(destinationState, (d) => {
        const more = extra((w) => {
          w.u32(K.IPVS_DEST_ATTR_ACTIVE_CONNS, d.activeConns);
          w.u32(K.IPVS_DEST_ATTR_INACT_CONNS, d.inactiveConns);
          w.u32(K.IPVS_DEST_ATTR_PERSIST_CONNS, d.persistConns);
          encodeStats64(w, K.IPVS_DEST_ATTR_STATS64, d.stats);
        });
        const m = new AttrMap(wrap(2, Buffer.concat([inner(encodeDestFull(d)), more]))).nested(2);
        expect(decodeDest(m, "ipv4")).toEqual(d);
      }),
      { numRuns: 300 },
    );
  });

  it("always sends tunnel attributes and ADDR_FAMILY (SET_DEST is a full replacement)", () => {
    const m = new AttrMap(
      encodeDestFull({ key: { address: "10.0.0.9", port: 80 }, config: { forwarding: "masq", weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null } }),
    ).nested(2);
    for (const t of [3, 4, 5, 6, 11, 13, 14, 15]) expect(m.has(t)).toBe(true);
    const gue = new AttrMap(
      encodeDestFull({
        key: { address: "10.0.0.9", port: 80 },
        config: { forwarding: "tunnel", weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: { type: "gue", port: 6080, checksum: "csum" } },
      }),
    ).nested(2);
    expect(gue.binary(K.IPVS_DEST_ATTR_TUN_PORT).toString("hex")).toBe("17c0");
    expect(gue.binary(K.IPVS_DEST_ATTR_TUN_FLAGS).toString("hex")).toBe("0100");
    expect(gue.u8(K.IPVS_DEST_ATTR_TUN_TYPE)).toBe(1);
  });

  it("the fast listing decoder agrees with decodeDest on kernel-style replies (STATS64 or legacy)", () => {
    fc.assert(
      fc.property(destinationState, fc.boolean(), fc.constantFrom("ipv4" as const, "ipv6" as const), (d, legacy, fam) => {
        const more = extra((w) => {
          w.u32(K.IPVS_DEST_ATTR_ACTIVE_CONNS, d.activeConns);
          w.u32(K.IPVS_DEST_ATTR_INACT_CONNS, d.inactiveConns);
          w.u32(K.IPVS_DEST_ATTR_PERSIST_CONNS, d.persistConns);
          if (legacy) encodeStatsLegacy(w, K.IPVS_DEST_ATTR_STATS, d.stats);
          else encodeStats64(w, K.IPVS_DEST_ATTR_STATS64, d.stats);
        });
        const container = wrap(2, Buffer.concat([inner(encodeDestFull(d)), more]));
        const slow = decodeDest(new AttrMap(container).nested(2), fam);
        expect(decodeDestFast(container, 4, container.length, fam)).toEqual(slow);
        const dump = [genlMessage(30, 5, container, 2), genlMessage(30, 5, container, 2), doneMessage()];
        expect(decodeDestDump("t", dump, fam)).toEqual([slow, slow]);
      }),
      { numRuns: 300 },
    );
  });

  it("the fast decoder throws typed errors on malformed bytes and kernel errors", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const b = Buffer.from(bytes);
        try {
          decodeDestFast(b, 0, b.length, "ipv4");
        } catch (e) {
          expect(e instanceof AttrErr || (e as Error).name === "IpvsDecodeError").toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
    expect(() => decodeDestDump("t", [doneMessage(0, 16)], "ipv4")).toThrow(NetlinkError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const b = Buffer.from(bytes);
        try {
          decodeServiceFast(b, 0, b.length);
        } catch (e) {
          expect(e instanceof AttrErr || (e as Error).name === "IpvsDecodeError").toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("uses the service family when an old kernel omits ADDR_FAMILY", () => {
    const w = new AttrWriter();
    w.nested(2, (n) => {
      n.binary(1, addressToBytes("2001:db8::5")).u16be(2, 443).u32(3, 0).u32(4, 3);
    });
    expect(decodeDest(new AttrMap(w.finish()).nested(2), "ipv6").key).toEqual({ address: "2001:db8::5", port: 443 });
  });
});

describe("stats, daemon, info, timeouts", () => {
  it("legacy STATS keeps 64-bit bytes and truncates the rest to 32 bits", () => {
    fc.assert(
      fc.property(stats, (s) => {
        const m = new AttrMap(extra((w) => encodeStatsLegacy(w, 10, s)));
        const got = decodeStats(m, 12, 10);
        const t = (v: number) => Number(BigInt(v) & 0xffffffffn);
        expect(got).toEqual({ ...s, conns: t(s.conns), inPkts: t(s.inPkts), outPkts: t(s.outPkts), cps: t(s.cps), inPps: t(s.inPps), outPps: t(s.outPps), inBps: t(s.inBps), outBps: t(s.outBps) });
      }),
    );
  });
  it("STATS64 round-trips", () => {
    fc.assert(
      fc.property(stats, (s) => {
        expect(decodeStats(new AttrMap(extra((w) => encodeStats64(w, 12, s))), 12, 10)).toEqual(s);
      }),
    );
  });
  it("daemon round-trips", () => {
    fc.assert(
      fc.property(daemon, (d) => {
        expect(decodeDaemon(new AttrMap(encodeDaemon(d)).nested(3))).toEqual(d);
      }),
    );
  });
  it("daemon multicast port is host order, unlike other ports", () => {
    const m = new AttrMap(encodeDaemon({ state: "master", mcastInterface: "eth0", syncId: 1, mcastPort: 8848 })).nested(3);
    expect(m.binary(K.IPVS_DAEMON_ATTR_MCAST_PORT).toString("hex")).toBe("9022");
  });
  it("info round-trips", () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255)), fc.nat(), ([a, b, c], size) => {
        const info = { version: `${a}.${b}.${c}`, connTableSize: size };
        expect(decodeInfo(new AttrMap(encodeInfo(info)))).toEqual(info);
      }),
    );
  });
  it("timeouts round-trip and zero fields are left out", () => {
    fc.assert(
      fc.property(fc.record({ tcp: fc.nat(2678400), tcpFin: fc.nat(2678400), udp: fc.nat(2678400) }), (t) => {
        const buf = encodeTimeouts(t);
        expect(decodeAttrList(buf).length).toBe([t.tcp, t.tcpFin, t.udp].filter((v) => v > 0).length);
        expect(decodeTimeouts(new AttrMap(buf))).toEqual(t);
      }),
    );
  });
  it("serviceFamily follows the address or the fwmark family", () => {
    expect(serviceFamily({ protocol: "udp", address: "::1", port: 1 })).toBe("ipv6");
    expect(serviceFamily({ protocol: "fwmark", fwmark: 1, family: "ipv4" })).toBe("ipv4");
  });
});
