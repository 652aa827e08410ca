// REST fuzz (see server-fuzz-suite.ts), part 3: rules diff/import, history, conns, sysctls.
import { describeRouteFuzz, fuzzFixture, routesMatching } from "./server-fuzz-suite.ts";
import { isHostRoute } from "./server-fuzz-groups.ts";
import { routeFuzz } from "./server-fuzz-routes.ts";

describeRouteFuzz("REST fuzz: rules, history, conns, sysctls", fuzzFixture(), routesMatching(routeFuzz(), isHostRoute));
