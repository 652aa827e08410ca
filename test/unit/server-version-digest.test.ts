// The table version is a digest: properties over random tables. The same table gives the same
// version whatever the order it was listed in and whatever the key order of its objects; any
// change of a key, a configuration field or a weight gives another version.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, tableVersion, type VersionedEntry } from "@/server/versions/digest.ts";

const config = fc.record({
  scheduler: fc.constantFrom("rr", "wrr", "wlc", "sh"),
  weight: fc.integer({ min: 0, max: 65535 }),
  flags: fc.array(fc.constantFrom("flag-1", "flag-2"), { maxLength: 2 }),
  persistence: fc.option(fc.record({ timeout: fc.integer({ min: 1, max: 3600 }) }), { nil: null }),
});
const table = fc.uniqueArray(
  fc.record({
    key: fc.integer({ min: 1, max: 500 }).map((n) => `tcp:10.0.${n >> 8}.${n & 255}:80`),
    config,
    dests: fc.uniqueArray(fc.record({ key: fc.integer({ min: 1, max: 250 }).map((n) => `10.1.0.${n}:80`), config }), { selector: (d) => d.key, maxLength: 4 }),
  }),
  { selector: (s) => s.key, maxLength: 8 },
);

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never;

function mapOf(t: Table, reverse = false): Map<string, VersionedEntry> {
  const order = <X>(xs: X[]) => (reverse ? [...xs].reverse() : xs);
  // reversed object keys too: JSON.parse of a reversed stringify keeps the reversed key order
  const flip = (o: object) => (reverse ? Object.fromEntries(Object.entries(o).reverse()) : o);
  return new Map(
    order(t).map((s) => [s.key, { config: flip(s.config), destinations: new Map(order(s.dests).map((d) => [d.key, { config: flip(d.config) }])) }]),
  );
}

describe("table version digest", () => {
  it("is the same for the same table in any order", () => {
    fc.assert(
      fc.property(table, (t) => {
        expect(tableVersion(mapOf(t, true))).toBe(tableVersion(mapOf(t)));
      }),
      { numRuns: 500 },
    );
  });

  it("differs when a weight or a field changes, or a real server goes", () => {
    fc.assert(
      fc.property(table.filter((t) => t.some((s) => s.dests.length > 0)), fc.nat(), (t, pick) => {
        const withDests = t.filter((s) => s.dests.length > 0);
        const svc = withDests[pick % withDests.length]!;
        const base = tableVersion(mapOf(t));
        const d = svc.dests[0]!;
        const reweighted = structuredClone(t);
        reweighted.find((s) => s.key === svc.key)!.dests[0]!.config.weight = d.config.weight + 1;
        expect(tableVersion(mapOf(reweighted))).not.toBe(base);
        const fewer = structuredClone(t);
        fewer.find((s) => s.key === svc.key)!.dests.shift();
        expect(tableVersion(mapOf(fewer))).not.toBe(base);
        const rescheduled = structuredClone(t);
        const c = rescheduled.find((s) => s.key === svc.key)!.config;
        c.scheduler = c.scheduler === "rr" ? "wrr" : "rr";
        expect(tableVersion(mapOf(rescheduled))).not.toBe(base);
      }),
      { numRuns: 500 },
    );
  });

  it("canonical JSON sorts keys at every depth and drops undefined like JSON.stringify", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(canonicalJson(v))).toEqual(JSON.parse(JSON.stringify(v) ?? "null"));
      }),
      { numRuns: 500 },
    );
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: undefined }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"y":2}]},"b":1}');
  });
});
