// REST fuzz (see server-fuzz-suite.ts), part 6: lvsctl --server's routes (API tokens, the
// agent reads passed through, the table-wide verbs); the table and version stay unchanged.
import { describeRouteFuzz, fuzzFixture } from "./server-fuzz-suite.ts";
import { lvsctlRouteFuzz } from "./server-fuzz-routes-lvsctl.ts";

describeRouteFuzz("REST fuzz: lvsctl --server routes", fuzzFixture(), lvsctlRouteFuzz());
