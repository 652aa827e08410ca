// The dashboard's key strings and merge-patch deltas: round trips over random values.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  destinationKeyString,
  directorIdOf,
  DirectorId,
  parseDestinationKeyString,
  parseServiceKeyString,
  serviceKeyString,
} from "@/protocol/dashboard/index.ts";
import { apply, deepEqual, diff } from "@/protocol/merge-patch.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";

const v4 = fc.ipV4();
const v6 = fc.ipV6();
const serviceKey: fc.Arbitrary<ServiceKey> = fc.oneof(
  fc.record({
    protocol: fc.constantFrom("tcp" as const, "udp" as const, "sctp" as const),
    address: fc.oneof(v4, v6),
    port: fc.integer({ min: 0, max: 65535 }),
  }),
  fc.record({
    protocol: fc.constant("fwmark" as const),
    fwmark: fc.integer({ min: 1, max: 0xffffffff }),
    family: fc.constantFrom("ipv4" as const, "ipv6" as const),
  }),
);

describe("key strings", () => {
  it("service keys round-trip", () => {
    fc.assert(fc.property(serviceKey, (k) => {
        expect(parseServiceKeyString(serviceKeyString(k))).toEqual(k);
      }));
  });
  it("destination keys round-trip", () => {
    fc.assert(
      fc.property(fc.oneof(v4, v6), fc.integer({ min: 0, max: 65535 }), (address, port) => {
        expect(parseDestinationKeyString(destinationKeyString({ address, port }))).toEqual({ address, port });
      }),
    );
  });
  it("formats the way operators read them", () => {
    expect(serviceKeyString({ protocol: "tcp", address: "172.16.0.100", port: 80 })).toBe("tcp:172.16.0.100:80");
    expect(serviceKeyString({ protocol: "udp", address: "2001:db8::1", port: 53 })).toBe("udp:[2001:db8::1]:53");
    expect(serviceKeyString({ protocol: "fwmark", family: "ipv4", fwmark: 7 })).toBe("fwmark:ipv4:7");
  });
  it.each([
    "tcp:1.2.3.4", "tcp:1.2.3.4:65536", "tcp:2001:db8::1:80", "tcp:[1.2.3.4]:80", "icmp:1.2.3.4:0",
    "fwmark:ipv4:0", "fwmark:ipv4:4294967296", "fwmark:ipx:1", "tcp:999.1.1.1:80", "",
  ])("rejects %j", (s) => expect(parseServiceKeyString(s)).toBeNull());
  it("director ids", () => {
    expect(directorIdOf("Director 1")).toBe("director-1");
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => /[a-z0-9]/i.test(s)), (name) => {
        expect(DirectorId.safeParse(directorIdOf(name)).success).toBe(true);
      }),
    );
  });
});

// JSON values without nulls inside objects (a merge patch cannot set a key to null).
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.boolean(),
    fc.integer(),
    fc.string(),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 3 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

describe("merge patch", () => {
  it("apply(prev, diff(prev, next)) equals next", () => {
    fc.assert(
      fc.property(json, json, (prev, next) => {
        const patch = diff(prev, next);
        const got = patch === undefined ? prev : apply(prev, patch);
        expect(deepEqual(got, next)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
  it("no patch for equal values, and a small one for one changed leaf", () => {
    const view = { a: { x: 1, y: [1, 2] }, b: { z: "s" } };
    expect(diff(view, structuredClone(view))).toBeUndefined();
    expect(diff(view, { ...view, b: { z: "t" } })).toEqual({ b: { z: "t" } });
    expect(diff(view, { a: view.a })).toEqual({ b: null });
  });
});
