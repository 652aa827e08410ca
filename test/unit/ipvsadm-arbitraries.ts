// fast-check generators of rule sets that ipvsadm can express (used by the ipvsadm-* and
// rules-* tests): valid keys, configs and servers, with canonical address spellings.
import fc from "fast-check";
import { type Destination, SCHEDULERS, type Service, type ServiceKey } from "@/protocol/ipvs.ts";
import { canonicalAddress } from "@/protocol/ipvsadm/addr.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { destKeyString, serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";

export const v4 = fc.ipV4();
export const v6 = fc.ipV6().map(canonicalAddress);

const netKey = (family: 4 | 6) =>
  fc.record({
    protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const),
    address: family === 4 ? v4 : v6,
    port: fc.integer({ min: 0, max: 65535 }),
  });

export const serviceKeyArb: fc.Arbitrary<ServiceKey> = fc.oneof(
  netKey(4),
  netKey(6),
  fc.record({
    protocol: fc.constant("fwmark" as const),
    fwmark: fc.integer({ min: 1, max: 0xffffffff }),
    family: fc.constantFrom("ipv4" as const, "ipv6" as const),
  }),
);

const isV6 = (k: ServiceKey) => (k.protocol === "fwmark" ? k.family === "ipv6" : k.address.includes(":"));

export function serviceArb(key: ServiceKey): fc.Arbitrary<Service> {
  // contiguous masks only: the agent's validation refuses the odd masks ipvsadm lets through
  const v4Mask = fc.integer({ min: 0, max: 32 }).map((bits) => {
    const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
  });
  const netmask = isV6(key) ? fc.integer({ min: 1, max: 128 }).map(String) : v4Mask;
  return fc
    .record({
      scheduler: fc.constantFrom(...SCHEDULERS, "none" as const),
      flags: fc.subarray(["flag-1", "flag-2", "flag-3"] as const),
      persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 2678400 }), netmask }), { nil: null }),
      sip: fc.boolean(),
      onePacket: fc.boolean(),
    })
    .map(({ scheduler, flags, persistence, sip, onePacket }) => {
      const hashSched = scheduler === "sh" || scheduler === "mh";
      const needsPersistence = key.protocol !== "fwmark" && key.port === 0;
      return {
        key,
        config: {
          scheduler,
          // sh/mh have names only for the first two flags (ipvsadm cannot print flag-3 there)
          schedulerFlags: hashSched ? flags.filter((f) => f !== "flag-3") : flags,
          persistence: persistence ?? (needsPersistence ? { timeout: 360, netmask: isV6(key) ? "128" : "255.255.255.255" } : null),
          pe: sip && (persistence || needsPersistence) ? ("sip" as const) : null,
          onePacket: onePacket && (key.protocol === "udp" || key.protocol === "fwmark"),
        },
      };
    });
}

export function destinationArb(svc: ServiceKey): fc.Arbitrary<Destination> {
  const sameFamily = isV6(svc) ? v6 : v4;
  const tunnel = fc.oneof(
    fc.constant({ type: "ipip" as const, port: 0, checksum: "nocsum" as const }),
    fc.record({
      type: fc.constant("gue" as const),
      port: fc.integer({ min: 1, max: 65535 }),
      checksum: fc.constantFrom("nocsum" as const, "csum" as const, "remcsum" as const),
    }),
    fc.record({ type: fc.constant("gre" as const), port: fc.constant(0), checksum: fc.constantFrom("nocsum" as const, "csum" as const) }),
  );
  return fc
    .record({
      forwarding: fc.constantFrom("masq" as const, "route" as const, "tunnel" as const),
      otherFamily: fc.boolean(),
      address4: v4,
      address6: v6,
      sameAddress: sameFamily,
      port: fc.integer({ min: 0, max: 65535 }),
      weight: fc.integer({ min: 0, max: 2147483647 }),
      upper: fc.integer({ min: 0, max: 2147483647 }),
      lowerFraction: fc.double({ min: 0, max: 1, noNaN: true }),
      tunnel,
    })
    .map((r) => {
      const tunnelled = r.forwarding === "tunnel";
      const address = tunnelled && r.otherFamily ? (isV6(svc) ? r.address4 : r.address6) : r.sameAddress;
      const forcedPort = svc.protocol !== "fwmark" && r.forwarding !== "masq" ? svc.port : r.port;
      return {
        key: { address, port: forcedPort },
        config: {
          forwarding: r.forwarding,
          weight: r.weight,
          upperThreshold: r.upper,
          lowerThreshold: Math.floor(r.upper * r.lowerFraction),
          tunnel: tunnelled ? r.tunnel : null,
        },
      };
    });
}

export function serviceRulesArb(maxServices = 6, maxDests = 5, minServices = 0): fc.Arbitrary<ServiceRules[]> {
  const one = (k: ServiceKey): fc.Arbitrary<ServiceRules> =>
    fc
      .tuple(serviceArb(k), fc.uniqueArray(destinationArb(k), { maxLength: maxDests, selector: (d) => destKeyString(d.key) }))
      .map(([svc, destinations]) => ({ ...svc, destinations }));
  return fc
    .uniqueArray(serviceKeyArb, { minLength: minServices, maxLength: maxServices, selector: serviceKeyString })
    .chain((keys) => fc.tuple(...keys.map(one)) as fc.Arbitrary<ServiceRules[]>);
}
