// The live topics' catalog: every name topics.* builds parses back to what it was built from
// and passes the live socket's Topic schema; names that are no topic parse to null.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Topic } from "@/protocol/dashboard/live.ts";
import { parseTopic, topics } from "@/protocol/dashboard/topics.ts";

const director = fc.stringMatching(/^[a-z0-9-]{1,40}$/);
// service keys as serviceKeyString() writes them: "tcp:10.0.0.1:80", "udp:[fd00::1]:53", "fwmark:4:inet"
const service = fc.stringMatching(/^(tcp|udp|sctp|fwmark):[0-9a-f.:[\]]{1,40}(:inet6?)?$/);

describe("live topic catalog", () => {
  it("names round-trip through parseTopic and pass the Topic schema", () => {
    fc.assert(
      fc.property(director, service, (d, s) => {
        const built = [
          [topics.fleet(), { kind: "fleet" }],
          [topics.drains(), { kind: "drains" }],
          [topics.groups(), { kind: "groups" }],
          [topics.director(d), { kind: "director", director: d }],
          [topics.health(d), { kind: "health", director: d }],
          [topics.service(d, s), { kind: "service", director: d, service: s }],
          [topics.healthLatency(d, s), { kind: "healthLatency", director: d, service: s }],
        ] as const;
        for (const [name, parsed] of built) {
          expect(parseTopic(name)).toEqual(parsed);
          expect(Topic.safeParse(name).success).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("names that are no topic are null, as the schema refuses them", () => {
    for (const bad of ["", "fleets", "director:", "director:UPPER", "service:d1", "service:d1:", "health:", "health:d1:", "audit", "director:d1:x"]) {
      expect(parseTopic(bad), bad).toBeNull();
      expect(Topic.safeParse(bad).success, bad).toBe(false);
    }
  });
});
