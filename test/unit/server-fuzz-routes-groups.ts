// Bad requests for the HA group routes (/api/groups, server/http/routes-groups.ts), in the
// style of server-fuzz-routes.ts: the fixture's director d1 is the one member of group "g1"
// (FUZZ_GROUP); a case names g1 with a body that fails the route's schema, or a target that
// does not exist (another group, service or real server), or a change the member refuses
// (a service or real server that already exists). Never a valid change of the real table.
import fc from "fast-check";
import { AdoptRequest, MakeIdenticalRequest, RulesTextRequest } from "@/protocol/dashboard/index.ts";
import { Destination, Service } from "@/protocol/ipvs.ts";
import { DestinationConfigPatch, ServiceConfigPatch } from "@/protocol/agent/ipvs.ts";
import {
  DEST,
  DEST_KEY,
  type RouteFuzz,
  SVC,
  SVC_KEY,
  anyBody,
  badRulesText,
  destSpecial,
  invalidFor,
  notReal,
  otherDest,
  otherService,
  query,
  req,
  serviceSpecial,
} from "./server-fuzz-routes.ts";

export const FUZZ_GROUP = "g1";
const G = `/api/groups/${FUZZ_GROUP}`;
const S = encodeURIComponent(SVC_KEY);
const D = encodeURIComponent(DEST_KEY);
const c = fc.constant;

export function groupRouteFuzz(): Record<string, RouteFuzz> {
  const group = fc.oneof(notReal(FUZZ_GROUP), c("no-such-group"), c("%20g1"));
  // members naming a director that is not in the group; or a base version that is not the desired one
  const badIdentical = fc.oneof(
    invalidFor(MakeIdenticalRequest, { dryRun: true }, { strict: true }),
    fc.constantFrom({ members: ["nobody"], dryRun: true }, { members: ["d1", "d2"] }, { dryRun: true, baseVersion: "0123456789abcdef" }).map((b) => JSON.stringify(b)),
  );
  return {
    "GET /api/groups": { expect: "read", cases: req("GET", query(["x"]).map((q) => `/api/groups${q}`)) },
    "GET /api/groups/:group": { expect: "error", cases: req("GET", group.map((g) => `/api/groups/${g}`)) },
    "GET /api/groups/:group/drift": { expect: "error", cases: req("GET", group.map((g) => `/api/groups/${g}/drift`)) },
    "POST /api/groups/:group/identical": { expect: "error", cases: fc.oneof(req("POST", c(`${G}/identical`), badIdentical), req("POST", group.map((g) => `/api/groups/${g}/identical`), anyBody({ dryRun: true }))) },
    "POST /api/groups/:group/adopt": { expect: "error", cases: fc.oneof(req("POST", c(`${G}/adopt`), fc.oneof(invalidFor(AdoptRequest, { director: "d1" }, { strict: true, required: ["director"] }), c(JSON.stringify({ director: "nobody" })))), req("POST", group.map((g) => `/api/groups/${g}/adopt`), anyBody({ director: "d1" }))) },
    "POST /api/groups/:group/rules/import": {
      expect: "error",
      // a dry run of text the agent cannot apply answers 200 with applied false and its errors
      errorReport: (b) => (b as { applied?: unknown }).applied === false && ((b as { errors?: unknown[] }).errors?.length ?? 0) > 0,
      cases: fc.oneof(
        req("POST", c(`${G}/rules/import`), invalidFor(RulesTextRequest, { text: "-A -t 10.9.0.5:80 -s rr\n", mode: "merge", dryRun: false }, { special: (p) => (p === "mode" ? fc.constantFrom("delete", "", "MERGE") : p === "format" ? fc.constantFrom("keepalived", "json", "") : null) })),
        req("POST", c(`${G}/rules/import`), fc.tuple(badRulesText, fc.constantFrom("merge", "replace"), fc.boolean()).map(([text, mode, dryRun]) => JSON.stringify({ text, mode, dryRun }))),
        req("POST", group.map((g) => `/api/groups/${g}/rules/import`), anyBody({ text: "", mode: "merge" })),
      ),
    },
    "POST /api/groups/:group/services": { expect: "error", cases: fc.oneof(req("POST", c(`${G}/services`), invalidFor(Service, SVC, { required: ["key"], special: serviceSpecial })), req("POST", group.map((g) => `/api/groups/${g}/services`), anyBody(SVC)), req("POST", c(`${G}/services`), c(JSON.stringify(SVC)))) },
    "PATCH /api/groups/:group/services/:service": { expect: "error", cases: fc.oneof(req("PATCH", c(`${G}/services/${S}`), invalidFor(ServiceConfigPatch.strict(), SVC.config, { strict: true, special: serviceSpecial })), req("PATCH", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `${G}/services/${k}`), anyBody({ scheduler: "rr" })), req("PATCH", group.map((g) => `/api/groups/${g}/services/${S}`), anyBody({ scheduler: "rr" }))) },
    "DELETE /api/groups/:group/services/:service": { expect: "error", cases: fc.oneof(req("DELETE", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `${G}/services/${k}`)), req("DELETE", group.map((g) => `/api/groups/${g}/services/${S}`))) },
    "POST /api/groups/:group/services/:service/destinations": { expect: "error", cases: fc.oneof(req("POST", c(`${G}/services/${S}/destinations`), invalidFor(Destination, DEST, { required: ["key"], special: destSpecial })), req("POST", c(`${G}/services/${S}/destinations`), c(JSON.stringify(DEST))), req("POST", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `${G}/services/${k}/destinations`), anyBody({ ...DEST, key: { address: "10.0.0.13", port: 80 } }))) },
    "PATCH /api/groups/:group/services/:service/destinations/:dest": { expect: "error", cases: fc.oneof(req("PATCH", c(`${G}/services/${S}/destinations/${D}`), invalidFor(DestinationConfigPatch.strict(), DEST.config, { strict: true, special: destSpecial })), req("PATCH", fc.oneof(notReal(DEST_KEY), otherDest).map((k) => `${G}/services/${S}/destinations/${k}`), anyBody({ weight: 1 }))) },
    "DELETE /api/groups/:group/services/:service/destinations/:dest": { expect: "error", cases: fc.oneof(req("DELETE", fc.oneof(notReal(DEST_KEY), otherDest).map((k) => `${G}/services/${S}/destinations/${k}`)), req("DELETE", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `${G}/services/${k}/destinations/${D}`))) },
  };
}
