// REST fuzz (see server-fuzz-suite.ts), part 1: every registered route has cases; sign-in,
// users, drains, audit, readiness, and unknown paths/methods. Parts 2 to 4:
// server-fuzz-rest-tables.test.ts (directors, services, real servers),
// server-fuzz-rest-host.test.ts (rules, history, conns, sysctls) and
// server-fuzz-rest-ha.test.ts (HA groups), server-fuzz-rest-health.test.ts (health checks),
// server-fuzz-rest-lvsctl.test.ts (API tokens, lvsctl's ipvsadm routes).
import { describe, expect, it } from "vitest";
import { describeRouteFuzz, fuzz, fuzzFixture, RUNS, routesMatching } from "./server-fuzz-suite.ts";
import { routeFuzz, unknownRoutes } from "./server-fuzz-routes.ts";
import { groupRouteFuzz } from "./server-fuzz-routes-groups.ts";
import { healthRouteFuzz } from "./server-fuzz-routes-health.ts";
import { lvsctlRouteFuzz } from "./server-fuzz-routes-lvsctl.ts";
import { isGroupRoute, isHealthRoute, isHostRoute, isLvsctlRoute, isTableRoute } from "./server-fuzz-groups.ts";

const f = fuzzFixture();
const all = { ...routeFuzz(), ...groupRouteFuzz(), ...healthRouteFuzz(), ...lvsctlRouteFuzz() };

describe("REST fuzz coverage", () => {
  it("has cases for every registered route", () => {
    const registered = f.s.router.routes().map((r) => `${r.method} ${r.pattern}`).sort();
    expect(Object.keys(all).sort()).toEqual(registered);
  });
});

describeRouteFuzz("REST fuzz: auth, users, drains, audit, readiness", f, routesMatching(all, (r) => !isTableRoute(r) && !isHostRoute(r) && !isGroupRoute(r) && !isHealthRoute(r) && !isLvsctlRoute(r)));

describe("REST fuzz: unknown paths", () => {
  it(`unknown paths and methods: ${RUNS} cases, 404 / 405 / 413`, async () => {
    const tableBefore = structuredClone([...f.h.ipvs.services.values()]);
    await fuzz(f, unknownRoutes, { expect: "error" });
    expect([...f.h.ipvs.services.values()]).toEqual(tableBefore);
  }, 900_000);
});
