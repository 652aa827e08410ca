// service.list.compact: rows carry exactly service.list's objects (round trip through JSON and
// the schemas), including an unknown scheduler's raw name and all-zero counters as 0.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CATALOG } from "@/protocol/agent/catalog.ts";
import { expandServiceRows, servicesToRows, statsFromRow, statsToRow } from "@/protocol/agent/compact.ts";
import type { ListedService } from "@/protocol/agent/ipvs.ts";
import { destinationState, service, stats } from "./ipvs-arbitraries.ts";

const listed: fc.Arbitrary<ListedService> = fc
  .record({
    svc: service,
    stats: fc.oneof(stats, fc.constant(statsFromRow(0))),
    destinations: fc.array(destinationState, { maxLength: 4 }),
    unknown: fc.option(fc.constantFrom("twos", "weird-sched"), { nil: undefined }),
  })
  .map(({ svc, stats, destinations, unknown }) => {
    const s: ListedService = { ...svc, stats, destinations };
    if (unknown !== undefined) {
      s.config = { ...s.config, scheduler: "none" };
      s.unknownScheduler = unknown;
    }
    return s;
  });

describe("service.list.compact rows", () => {
  it("expand(toRows(x)) = x, through JSON and both result schemas", () => {
    fc.assert(
      fc.property(fc.array(listed, { maxLength: 6 }), (list) => {
        const wire = JSON.parse(JSON.stringify({ services: servicesToRows(list) }));
        const parsed = CATALOG["service.list.compact"].output.parse(wire);
        const back = expandServiceRows(parsed.services);
        expect(back).toEqual(list);
        expect(CATALOG["service.list"].output.parse(JSON.parse(JSON.stringify(back)))).toEqual(list);
      }),
      { numRuns: 200 },
    );
  });

  it("all-zero counters travel as 0, others as ten numbers in STATS_FIELDS order", () => {
    fc.assert(
      fc.property(stats, (s) => {
        const row = statsToRow(s);
        expect(statsFromRow(row)).toEqual(s);
        if (row !== 0) expect(row).toHaveLength(10);
      }),
    );
    expect(statsToRow(statsFromRow(0))).toBe(0);
  });

  it("the schema refuses rows that are not a table", () => {
    const out = CATALOG["service.list.compact"].output;
    const good = servicesToRows([]);
    expect(out.safeParse({ services: good }).success).toBe(true);
    expect(out.safeParse({ services: [[{ protocol: "tcp", address: "10.0.0.1", port: 80 }, "rr", [], null, null, false, 0, [["nope", 80, "masq", 1, 0, 0, null, 0, 0, 0, 0]]]] }).success).toBe(false);
    expect(out.safeParse({ services: [[{ protocol: "tcp", address: "10.0.0.1", port: 80 }, "", [], null, null, false, 0, []]] }).success).toBe(false);
    expect(out.safeParse({ services: [[{ protocol: "tcp", address: "10.0.0.1", port: 80 }, "rr", [], null, null, false, [1, 2], []]] }).success).toBe(false);
  });
});
