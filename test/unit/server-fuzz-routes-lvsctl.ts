// Bad requests for lvsctl --server's routes (server/http/routes-tokens.ts, routes-ipvsadm.ts),
// in the style of server-fuzz-routes.ts: token bodies that fail the schema (filtered with it,
// so no token is ever made), ids of tokens that do not exist, read and write request types
// that are not lvsctl's, payloads that fail the agent's schema, directors and groups that do
// not exist. Never a valid change: the table and its version stay as they were.
import fc from "fast-check";
import { ApiTokenCreate } from "@/protocol/dashboard/tokens.ts";
import { CATALOG } from "@/protocol/agent/catalog.ts";
import { badSegment } from "./server-fuzz-kit.ts";
import { type RouteFuzz, anyBody, invalidFor, notReal, query, req } from "./server-fuzz-routes.ts";

const c = fc.constant;
const READS = ["ipvs.info", "service.list", "service.list.compact", "service.get", "timeouts.get", "daemon.list", "conns.read"];
const WRITES = ["flush", "zero", "timeouts.set", "daemon.start", "daemon.stop"];

/** JSON texts (or not JSON) that fail the agent's input schema of `type`. */
function badPayload(type: "service.get" | "timeouts.set" | "daemon.start" | "daemon.stop"): fc.Arbitrary<string> {
  const schema = CATALOG[type].input;
  return fc
    .oneof(fc.jsonValue().map((v) => JSON.stringify(v)), fc.string({ maxLength: 40 }), c('{"key":{"protocol":"tcp"}}'), c('{"tcp":-1}'), c('{"state":"both"}'), c("{"))
    .filter((t) => {
      try {
        return !schema.safeParse(t === "" ? {} : JSON.parse(t)).success;
      } catch {
        return true;
      }
    });
}

export function lvsctlRouteFuzz(): Record<string, RouteFuzz> {
  const id = fc.oneof(notReal("d1"), c("no-such-director"));
  const notRead = fc.oneof(notReal(...READS), fc.constantFrom(...WRITES, "rules.import", "ha.configure", "ping"));
  const notWrite = fc.oneof(notReal(...WRITES), fc.constantFrom(...READS, "service.create", "rules.import", "ha.configure", "sysctl.set"));
  const tokenId = fc.oneof(badSegment, fc.integer({ min: 1, max: 2 ** 40 }).map(String), c("0"), c("-1"), c("1.5"));
  const special = (p: string) =>
    p === "name" ? fc.constantFrom("", " x", "-x", "x".repeat(65), "a'b", "a\u0000") :
    p === "role" ? fc.constantFrom("root", "", "ADMIN") :
    p === "expiresInDays" ? fc.constantFrom(0, -1, 1.5, 3651, Number.NaN) : null;
  return {
    "GET /api/auth/tokens": { expect: "read", cases: req("GET", query(["x"]).map((q) => `/api/auth/tokens${q}`)) },
    "POST /api/auth/tokens": {
      expect: "error",
      cases: req("POST", c("/api/auth/tokens"), invalidFor(ApiTokenCreate, { name: "fuzz", role: "viewer", expiresInDays: 1 }, { strict: true, required: ["name"], special })),
    },
    "DELETE /api/auth/tokens/:id": { expect: "error", cases: req("DELETE", tokenId.map((t) => `/api/auth/tokens/${t}`)) },
    "GET /api/directors/:id/ipvsadm/:request": {
      expect: "error",
      cases: fc.oneof(
        req("GET", notRead.map((t) => `/api/directors/d1/ipvsadm/${t}`)),
        req("GET", badPayload("service.get").map((p) => `/api/directors/d1/ipvsadm/service.get?payload=${encodeURIComponent(p)}`)),
        req("GET", fc.tuple(id, fc.constantFrom(...READS)).map(([i, t]) => `/api/directors/${i}/ipvsadm/${t}`)),
      ),
    },
    "POST /api/directors/:id/ipvsadm/:request": {
      expect: "error",
      cases: fc.oneof(
        req("POST", notWrite.map((t) => `/api/directors/d1/ipvsadm/${t}`), anyBody({})),
        fc.constantFrom("timeouts.set", "daemon.start", "daemon.stop").chain((t) => req("POST", c(`/api/directors/d1/ipvsadm/${t}`), badPayload(t as "timeouts.set"))),
        req("POST", fc.tuple(id, fc.constantFrom(...WRITES)).map(([i, t]) => `/api/directors/${i}/ipvsadm/${t}`), anyBody({})),
      ),
    },
    "POST /api/groups/:group/ipvsadm/:request": {
      expect: "error",
      cases: req("POST", fc.tuple(fc.oneof(badSegment, c("no-such-group")), fc.oneof(notWrite, fc.constantFrom(...WRITES))).map(([g, t]) => `/api/groups/${g}/ipvsadm/${t}`), anyBody({})),
    },
  };
}
