// fast-check generators of valid domain objects (as the validator accepts them), with
// addresses in the canonical text form the decoder produces.
import fc from "fast-check";
import { formatIPv4, formatIPv6, u32ToIPv4Mask } from "@/agent/ipvs/codec-address.ts";
import {
  type Destination,
  type DestinationState,
  SCHEDULERS,
  type Service,
  type ServiceKey,
  type Stats,
  type SyncDaemon,
} from "@/protocol/ipvs.ts";

export const ipv4 = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => formatIPv4(Buffer.from(b)));
export const ipv6 = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => formatIPv6(Buffer.from(b)));
export const anyAddress = fc.oneof(ipv4, ipv6);
const port = fc.integer({ min: 0, max: 65535 });

export const serviceKey: fc.Arbitrary<ServiceKey> = fc.oneof(
  fc.record({ protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const), address: anyAddress, port }),
  fc.record({
    protocol: fc.constant("fwmark" as const),
    fwmark: fc.integer({ min: 1, max: 0xffffffff }),
    family: fc.constantFrom("ipv4" as const, "ipv6" as const),
  }),
);

const familyOfKey = (k: ServiceKey) => (k.protocol === "fwmark" ? k.family : k.address.includes(":") ? "ipv6" : "ipv4");
const v4mask = fc.integer({ min: 0, max: 32 }).map((p) => u32ToIPv4Mask(p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0));

/** Services that pass validation (port 0 only when persistent, ops only UDP/fwmark, pe with persistence). */
export const service: fc.Arbitrary<Service> = serviceKey.chain((key) => {
  const v6 = familyOfKey(key) === "ipv6";
  const persistence = fc.option(
    fc.record({
      timeout: fc.integer({ min: 1, max: 2678400 }),
      netmask: v6 ? fc.integer({ min: 1, max: 128 }).map(String) : v4mask,
    }),
    { nil: null },
  );
  return fc
    .record({
      scheduler: fc.constantFrom(...SCHEDULERS, "none" as const),
      schedulerFlags: fc.subarray(["flag-1", "flag-2", "flag-3"] as const).map((a) => [...a]),
      persistence: key.protocol !== "fwmark" && key.port === 0 ? persistence.filter((p) => p !== null) : persistence,
      pe: fc.constantFrom("sip" as const, null),
      onePacket: key.protocol === "udp" || key.protocol === "fwmark" ? fc.boolean() : fc.constant(false),
    })
    .map((config) => ({ key, config: { ...config, pe: config.persistence ? config.pe : null } }));
});

const tunnel = fc.oneof(
  fc.constant({ type: "ipip" as const, port: 0, checksum: "nocsum" as const }),
  fc.record({
    type: fc.constant("gue" as const),
    port: fc.integer({ min: 1, max: 65535 }),
    checksum: fc.constantFrom("nocsum" as const, "csum" as const, "remcsum" as const),
  }),
  fc.record({ type: fc.constant("gre" as const), port: fc.constant(0), checksum: fc.constantFrom("nocsum" as const, "csum" as const) }),
);
const int31 = fc.integer({ min: 0, max: 2147483647 });
const thresholds = fc
  .tuple(int31, int31)
  .map(([a, b]) => (a === 0 ? { upperThreshold: 0, lowerThreshold: 0 } : { upperThreshold: Math.max(a, b), lowerThreshold: Math.min(a, b) }));

/** Any destination as the codec must carry it (not checked against a service). */
export const destination: fc.Arbitrary<Destination> = fc
  .record({
    key: fc.record({ address: anyAddress, port }),
    forwarding: fc.constantFrom("masq" as const, "local" as const, "tunnel" as const, "route" as const, "bypass" as const),
    weight: int31,
    thresholds,
    tunnel,
  })
  .map(({ key, forwarding, weight, thresholds, tunnel }) => ({
    key,
    config: { forwarding, weight, ...thresholds, tunnel: forwarding === "tunnel" ? tunnel : null },
  }));

const counter = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
export const stats: fc.Arbitrary<Stats> = fc.record({
  conns: counter,
  inPkts: counter,
  outPkts: counter,
  inBytes: counter,
  outBytes: counter,
  cps: counter,
  inPps: counter,
  outPps: counter,
  inBps: counter,
  outBps: counter,
});

export const destinationState: fc.Arbitrary<DestinationState> = fc
  .record({
    d: destination,
    activeConns: fc.integer({ min: 0, max: 0xffffffff }),
    inactiveConns: fc.integer({ min: 0, max: 0xffffffff }),
    persistConns: fc.integer({ min: 0, max: 0xffffffff }),
    stats,
  })
  .map(({ d, ...rest }) => ({ ...d, ...rest }));

export const daemon: fc.Arbitrary<SyncDaemon> = fc
  .record(
    {
      state: fc.constantFrom("master" as const, "backup" as const),
      mcastInterface: fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/),
      syncId: fc.integer({ min: 0, max: 255 }),
      maxLen: fc.integer({ min: 0, max: 65507 }),
      mcastGroup: fc.oneof(
        fc.tuple(fc.integer({ min: 224, max: 239 }), fc.uint8Array({ minLength: 3, maxLength: 3 })).map(([a, r]) => formatIPv4(Buffer.from([a, ...r]))),
        fc.uint8Array({ minLength: 15, maxLength: 15 }).map((r) => formatIPv6(Buffer.from([0xff, ...r]))),
      ),
      mcastPort: port,
      mcastTtl: fc.integer({ min: 0, max: 255 }),
    },
    { requiredKeys: ["state", "mcastInterface", "syncId"] },
  );
