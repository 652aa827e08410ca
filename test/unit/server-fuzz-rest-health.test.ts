// REST fuzz (see server-fuzz-suite.ts), part 5: the health-check routes, with d1's agent running
// the real health handlers; the table and version stay unchanged after every route.
import { describeRouteFuzz, fuzzFixture } from "./server-fuzz-suite.ts";
import { healthRouteFuzz } from "./server-fuzz-routes-health.ts";

describeRouteFuzz("REST fuzz: health checks", fuzzFixture({ health: true }), healthRouteFuzz());
