// REST fuzz (see server-fuzz-suite.ts), part 4: the HA group routes, with d1 the one member of
// group FUZZ_GROUP; the member's table and version stay unchanged after every route.
import { describeRouteFuzz, fuzzFixture } from "./server-fuzz-suite.ts";
import { FUZZ_GROUP, groupRouteFuzz } from "./server-fuzz-routes-groups.ts";

describeRouteFuzz("REST fuzz: HA groups", fuzzFixture({ group: FUZZ_GROUP }), groupRouteFuzz());
