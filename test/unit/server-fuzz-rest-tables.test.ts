// REST fuzz (see server-fuzz-suite.ts), part 2: directors, services and real servers.
import { describeRouteFuzz, fuzzFixture, routesMatching } from "./server-fuzz-suite.ts";
import { isTableRoute } from "./server-fuzz-groups.ts";
import { routeFuzz } from "./server-fuzz-routes.ts";

describeRouteFuzz("REST fuzz: directors, services, real servers", fuzzFixture(), routesMatching(routeFuzz(), isTableRoute));
