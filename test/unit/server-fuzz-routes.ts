// Bad requests for every REST route of the server, as fast-check arbitraries. The fixture is a
// director "d1" with service SVC_KEY and real server DEST_KEY; a case names either that real
// target with a body that fails the route's schema (filtered with the schema itself, so no
// case is accidentally valid), or a target that does not exist / is malformed with any body.
// Mutations never reach a real object with a valid body: the table must stay unchanged.
import fc from "fast-check";
import { z } from "zod";
import {
  DirectorPatch,
  DirectorCreate,
  DrainRequest,
  LoginRequest,
  ReadinessFixRequest,
  Password,
  RulesTextRequest,
  UserCreate,
  TrustAccept,
  UserPatch,
} from "@/protocol/dashboard/index.ts";
import { Destination, Service } from "@/protocol/ipvs.ts";
import { SysctlSet } from "@/protocol/agent/host.ts";
import { DestinationConfigPatch, ServiceConfigPatch } from "@/protocol/agent/ipvs.ts";
import { type FuzzRequest, badAddress, badPort, badScheduler, badSegment, bodyText, brokenBody, deepJson, hugeJson } from "./server-fuzz-kit.ts";

/** server/http/routes-auth.ts's body of POST /api/auth/password */
const PasswordChange = z.object({ current: z.string().min(1).max(1024), password: Password }).strict();

export const SVC = { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } };
export const SVC_KEY = "tcp:10.9.0.1:80";
export const DEST = { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "route", weight: 5 } };
export const DEST_KEY = "10.0.0.11:80";
const S = encodeURIComponent(SVC_KEY);
const D = encodeURIComponent(DEST_KEY);

/** What a case may answer: "error" = 4xx only; "read" = 2xx or 4xx (a GET with a random but
 * valid query); never 5xx. */
export type Expect = "error" | "read";
export interface RouteFuzz {
  expect: Expect;
  cases: fc.Arbitrary<FuzzRequest>;
  /** a 2xx answer that is an error report all the same */
  errorReport?: (body: unknown) => boolean;
}

/** Bodies that fail `schema`: broken templates, random JSON, non-JSON, deep, huge. */
export function invalidFor(schema: z.ZodType, template: Record<string, unknown>, opts: Parameters<typeof brokenBody>[1] = {}): fc.Arbitrary<string> {
  return bodyText(brokenBody(template, opts)).filter((text) => {
    try {
      // the server reads an empty body as {}
      return !schema.safeParse(text === "" ? {} : JSON.parse(text)).success;
    } catch {
      return true;
    }
  });
}

/** Bodies of any kind, valid ones included (for targets that do not exist). */
export const anyBody = (template: unknown) => fc.oneof(fc.constant(JSON.stringify(template)), bodyText(fc.jsonValue()));

/** Segments that are not the real id / key (the real one would be a valid target). */
export const notReal = (...real: string[]) => badSegment.filter((s) => !real.includes(s) && !real.includes(decodeURIComponentSafe(s)));
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
/** Well-formed keys of services / real servers that do not exist on d1. */
export const otherService = fc.constantFrom("tcp:10.9.0.2:80", "udp:10.9.0.1:80", "fwmark:ipv4:7", "tcp:[2001:db8::1]:443").map(encodeURIComponent);
export const otherDest = fc.constantFrom("10.0.0.12:80", "[2001:db8::11]:80", "10.0.0.11:81").map(encodeURIComponent);
const badQueryValue = fc.oneof(fc.string({ maxLength: 30 }).map(encodeURIComponent), badSegment, fc.constantFrom("-1", "1e400", "0x10", "NaN", "%zz"));
export const query = (names: string[]) =>
  fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), badQueryValue), { maxLength: 5 }).map((kv) =>
    kv.length ? `?${kv.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&")}` : "",
  );
export const serviceSpecial = (p: string) =>
  p.endsWith("address") ? badAddress : p.endsWith("port") ? badPort : p.endsWith("scheduler") ? badScheduler : p.endsWith("protocol") ? fc.constantFrom("TCP", "icmp", "", "fwmark") : null;
export const destSpecial = (p: string) =>
  p.endsWith("address") ? badAddress : p.endsWith("port") ? badPort : p.endsWith("forwarding") ? fc.constantFrom("nat", "", "dr", "ROUTE") : p.endsWith("weight") ? fc.constantFrom(-1, 65536, 1.5, 2 ** 31) : null;
/** ipvsadm -R text the agent must refuse (an unknown option on every line). */
export const badRulesText = fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 5 }).map((ls) => ls.map((l) => `-A -t 10.9.0.5:80 --bogus ${l}`).join("\n"));

/** server/http/routes-history.ts's rule: an integer (as Number() reads it) within the range;
 * an empty value means "not given". */
function validAuditParam(name: string, v: string): boolean {
  const n = Number(v);
  return v === "" || (Number.isInteger(n) && n >= 1 && n <= (name === "limit" ? 1000 : Number.MAX_SAFE_INTEGER));
}

export function req(method: string, path: fc.Arbitrary<string>, body?: fc.Arbitrary<string>): fc.Arbitrary<FuzzRequest> {
  return body ? fc.record({ method: fc.constant(method), path, body }) : fc.record({ method: fc.constant(method), path });
}
const c = fc.constant;

export function routeFuzz(): Record<string, RouteFuzz> {
  const reg = { name: "Fuzz", url: "ws://127.0.0.1:9", token: "t", group: "", role: "director", addresses: [] };
  const urlSpecial = (p: string) => (p === "url" ? fc.constantFrom("", "http://x", "ws://", "ws//x", "javascript:alert(1)") : p === "name" ? fc.constantFrom("", "   ", "!!!", "x".repeat(65)) : p === "addresses" ? fc.array(badAddress, { minLength: 1 }) : null);
  const rules = { text: "-A -t 10.9.0.5:80 -s rr\n", mode: "merge", dryRun: false };
  const drain = { director: "d1", service: SVC_KEY, destination: DEST_KEY };
  const drainSpecial = (p: string) => (p === "service" ? fc.string().filter((x) => !/^(tcp|udp|sctp|fwmark):/.test(x)) : p === "destination" ? badAddress : p === "director" ? fc.constantFrom("D1", "", "-x") : null);
  const id = fc.oneof(notReal("d1"), c("no-such-director"));
  const job = fc.oneof(badSegment, fc.uuid());
  const userId = fc.oneof(notReal(), fc.integer({ min: 1000 }).map(String), fc.constantFrom("0", "-1", "1.5", "1e3"));
  return {
    "GET /api/auth/session": { expect: "read", cases: req("GET", query(["x"]).map((q) => `/api/auth/session${q}`)) },
    "POST /api/auth/login": { expect: "error", cases: req("POST", c("/api/auth/login"), fc.oneof(invalidFor(LoginRequest, { username: "admin", password: "not-the-password" }), c(JSON.stringify({ username: "admin", password: "wrong-password-1" })))) },
    // without a session cookie (the fuzzer's own session must survive)
    "POST /api/auth/logout": { expect: "read", cases: req("POST", c("/api/auth/logout"), bodyText(fc.jsonValue())).map((r) => ({ ...r, headers: { cookie: "" } })) },
    "POST /api/auth/setup": { expect: "error", cases: req("POST", c("/api/auth/setup"), anyBody({ username: "root", password: "0123456789ab", code: "nope" })) },
    "POST /api/auth/password": { expect: "error", cases: req("POST", c("/api/auth/password"), invalidFor(PasswordChange, { current: "x", password: "0123456789ab" }, { strict: true, required: ["current", "password"] })) },
    "GET /api/users": { expect: "read", cases: req("GET", query(["limit"]).map((q) => `/api/users${q}`)) },
    "POST /api/users": { expect: "error", cases: req("POST", c("/api/users"), invalidFor(UserCreate, { username: "fuzz", password: "fuzz-password-1", role: "viewer" }, { strict: true, required: ["username", "password", "role"], special: (p) => (p === "role" ? fc.constantFrom("root", "ADMIN", "") : p === "username" ? fc.constantFrom("", "-x", "a b", "x".repeat(65)) : null) })) },
    "PATCH /api/users/:id": { expect: "error", cases: fc.oneof(req("PATCH", c("/api/users/1"), invalidFor(UserPatch, { role: "viewer" }, { strict: true })), req("PATCH", userId.map((u) => `/api/users/${u}`), anyBody({ role: "viewer" }))) },
    "DELETE /api/users/:id": { expect: "error", cases: req("DELETE", userId.map((u) => `/api/users/${u}`)) },

    "GET /api/directors": { expect: "read", cases: req("GET", query(["x"]).map((q) => `/api/directors${q}`)) },
    "POST /api/directors": { expect: "error", cases: req("POST", c("/api/directors"), invalidFor(DirectorCreate, reg, { required: ["name", "url"], special: urlSpecial }).filter((t) => !t.includes('"name":"d1"'))) },
    "GET /api/directors/:id": { expect: "error", cases: req("GET", id.map((i) => `/api/directors/${i}`)) },
    "PATCH /api/directors/:id": { expect: "error", cases: fc.oneof(req("PATCH", c("/api/directors/d1"), invalidFor(DirectorPatch, { group: "g", url: "ws://127.0.0.1:9" }, { strict: true, special: urlSpecial })), req("PATCH", id.map((i) => `/api/directors/${i}`), anyBody({ group: "g" }))) },
    // d1 is a ws:// director that presents no certificate: any fingerprint is a conflict
    "POST /api/directors/:id/trust": { expect: "error", cases: fc.oneof(req("POST", c("/api/directors/d1/trust"), invalidFor(TrustAccept, { fingerprint256: `${"AB:".repeat(31)}AB` }, { strict: true, required: ["fingerprint256"] })), req("POST", id.map((i) => `/api/directors/${i}/trust`), anyBody({ fingerprint256: "AB" }))) },
    // only unknown directors: rotating d1's token would be a success, not an error case
    "POST /api/directors/:id/token": { expect: "error", cases: req("POST", id.map((i) => `/api/directors/${i}/token`), anyBody({})) },
    "DELETE /api/directors/:id": { expect: "error", cases: req("DELETE", id.map((i) => `/api/directors/${i}`)) },
    "GET /api/directors/:id/services": { expect: "error", cases: req("GET", id.map((i) => `/api/directors/${i}/services`)) },
    "POST /api/directors/:id/services": { expect: "error", cases: fc.oneof(req("POST", c("/api/directors/d1/services"), invalidFor(Service, SVC, { required: ["key"], special: serviceSpecial })), req("POST", id.map((i) => `/api/directors/${i}/services`), anyBody(SVC)), req("POST", c("/api/directors/d1/services"), c(JSON.stringify(SVC)))) },
    "PATCH /api/directors/:id/services/:service": { expect: "error", cases: fc.oneof(req("PATCH", c(`/api/directors/d1/services/${S}`), invalidFor(ServiceConfigPatch.strict(), SVC.config, { strict: true, special: serviceSpecial })), req("PATCH", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `/api/directors/d1/services/${k}`), anyBody({ scheduler: "rr" })), req("PATCH", id.map((i) => `/api/directors/${i}/services/${S}`), anyBody({ scheduler: "rr" }))) },
    "DELETE /api/directors/:id/services/:service": { expect: "error", cases: fc.oneof(req("DELETE", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `/api/directors/d1/services/${k}`)), req("DELETE", id.map((i) => `/api/directors/${i}/services/${S}`))) },
    "POST /api/directors/:id/services/:service/destinations": { expect: "error", cases: fc.oneof(req("POST", c(`/api/directors/d1/services/${S}/destinations`), invalidFor(Destination, DEST, { required: ["key"], special: destSpecial })), req("POST", c(`/api/directors/d1/services/${S}/destinations`), c(JSON.stringify(DEST))), req("POST", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `/api/directors/d1/services/${k}/destinations`), anyBody({ ...DEST, key: { address: "10.0.0.13", port: 80 } }))) },
    "PATCH /api/directors/:id/services/:service/destinations/:dest": { expect: "error", cases: fc.oneof(req("PATCH", c(`/api/directors/d1/services/${S}/destinations/${D}`), invalidFor(DestinationConfigPatch.strict(), DEST.config, { strict: true, special: destSpecial })), req("PATCH", fc.oneof(notReal(DEST_KEY), otherDest).map((k) => `/api/directors/d1/services/${S}/destinations/${k}`), anyBody({ weight: 1 }))) },
    "DELETE /api/directors/:id/services/:service/destinations/:dest": { expect: "error", cases: fc.oneof(req("DELETE", fc.oneof(notReal(DEST_KEY), otherDest).map((k) => `/api/directors/d1/services/${S}/destinations/${k}`)), req("DELETE", fc.oneof(notReal(SVC_KEY), otherService).map((k) => `/api/directors/d1/services/${k}/destinations/${D}`))) },

    "GET /api/directors/:id/rules": { expect: "error", cases: req("GET", id.map((i) => `/api/directors/${i}/rules`)) },
    // the agent's rules.diff skips lines it cannot parse (agent/rules/import.ts diffSource drops
    // the parse errors) and answers 200 with no changes: a read, never a 5xx or a change
    "POST /api/directors/:id/rules/diff": { expect: "read", cases: fc.oneof(req("POST", c("/api/directors/d1/rules/diff"), invalidFor(RulesTextRequest, rules, { special: (p) => (p === "mode" ? fc.constantFrom("delete", "", "MERGE") : null) })), req("POST", c("/api/directors/d1/rules/diff"), badRulesText.map((text) => JSON.stringify({ text, mode: "merge" })))) },
    // an import with unparseable lines answers 200 with applied: false and the line errors
    "POST /api/directors/:id/rules/import": { expect: "error", errorReport: (b) => (b as { applied?: unknown }).applied === false && ((b as { errors?: unknown[] }).errors?.length ?? 0) > 0, cases: fc.oneof(req("POST", c("/api/directors/d1/rules/import"), invalidFor(RulesTextRequest, rules, { special: (p) => (p === "mode" ? fc.constantFrom("delete", "", "MERGE") : null) })), req("POST", c("/api/directors/d1/rules/import"), fc.tuple(badRulesText, fc.constantFrom("merge", "replace"), fc.boolean()).map(([text, mode, dryRun]) => JSON.stringify({ text, mode, dryRun })))) },
    "GET /api/history/source": { expect: "read", cases: req("GET", query(["x"]).map((q) => `/api/history/source${q}`)) },
    "GET /api/directors/:id/history": { expect: "error", cases: fc.oneof(req("GET", fc.tuple(fc.oneof(badSegment, c("1m"), c("")), notReal(SVC_KEY)).map(([r, sv]) => `/api/directors/d1/history?range=${r || "x"}&service=${sv}`)), req("GET", id.map((i) => `/api/directors/${i}/history`))) },
    "GET /api/directors/:id/conns": { expect: "error", cases: fc.oneof(req("GET", fc.tuple(fc.constantFrom("protocol", "state", "client", "vip", "fwmark", "realServer", "templates", "sort", "order", "offset", "limit", "topClients"), badQueryValue.filter((v) => v !== "")).map(([k, v]) => `/api/directors/d1/conns?limit=-1&${k}=${v}`)), req("GET", id.map((i) => `/api/directors/${i}/conns`))) },
    "GET /api/directors/:id/sysctls": { expect: "error", cases: fc.oneof(req("GET", fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), c("net.ipv4.vs.")), { minLength: 1, maxLength: 3 }).map((ns) => `/api/directors/d1/sysctls?names=${encodeURIComponent(ns.map((n) => `kernel.${n}`).join(","))}`)), req("GET", id.map((i) => `/api/directors/${i}/sysctls`))) },
    "PUT /api/directors/:id/sysctls": { expect: "error", cases: fc.oneof(req("PUT", c("/api/directors/d1/sysctls"), invalidFor(SysctlSet, { name: "net.ipv4.vs.conntrack", value: "1", persist: false }, { required: ["name", "value"], special: (p) => (p === "name" ? fc.constantFrom("kernel.panic", "net.ipv4.vs", "../etc/passwd", "net.ipv4.vs.conntrack/../x") : p === "value" ? c("") : null) })), req("PUT", id.map((i) => `/api/directors/${i}/sysctls`), anyBody({ name: "net.ipv4.vs.conntrack", value: "1" }))) },
    "GET /api/readiness": { expect: "error", cases: req("GET", fc.tuple(fc.oneof(id, c("d1")), fc.oneof(notReal(SVC_KEY), otherService)).map(([d, sv]) => `/api/readiness?director=${d}&service=${sv}`)) },
    "GET /api/readiness/fleet": { expect: "read", cases: req("GET", query(["director"]).map((q) => `/api/readiness/fleet${q}`)) },
    "GET /api/search": { expect: "read", cases: req("GET", query(["q"]).map((q) => `/api/search${q}`)) },
    "POST /api/readiness/fix": { expect: "error", cases: req("POST", c("/api/readiness/fix"), fc.oneof(invalidFor(ReadinessFixRequest, { agent: "d1", vip: "172.16.0.200" }, { required: ["agent", "vip"], special: (p) => (p === "vip" ? badAddress : null) }), c(JSON.stringify({ agent: "d1", vip: "172.16.0.200" })), c(JSON.stringify({ agent: "nobody", vip: "172.16.0.200" })))) },

    "GET /api/drains": { expect: "read", cases: req("GET", query(["status"]).map((q) => `/api/drains${q}`)) },
    "POST /api/drains": { expect: "error", cases: fc.oneof(req("POST", c("/api/drains"), invalidFor(DrainRequest, drain, { required: ["service", "destination"], special: drainSpecial })), req("POST", c("/api/drains"), fc.oneof(c({ ...drain, director: "nobody" }), c({ ...drain, group: "ha" }), c({ service: SVC_KEY, destination: DEST_KEY, group: "none" }), c({ ...drain, service: "tcp:10.9.0.2:80" })).map((b) => JSON.stringify(b)))) },
    "GET /api/drains/:job": { expect: "error", cases: req("GET", job.map((j) => `/api/drains/${j}`)) },
    "POST /api/drains/:job/undrain": { expect: "error", cases: req("POST", job.map((j) => `/api/drains/${j}/undrain`), anyBody({})) },
    "POST /api/drains/:job/remove": { expect: "error", cases: req("POST", job.map((j) => `/api/drains/${j}/remove`), anyBody({})) },

    "GET /api/audit": { expect: "error", cases: req("GET", fc.tuple(fc.constantFrom("limit", "before"), fc.oneof(fc.constantFrom("0", "-1", "1.5", "x", "1001", "1e400", "9007199254740993"), fc.string({ minLength: 1, maxLength: 10 }))).filter(([k, v]) => !validAuditParam(k, v)).map(([k, v]) => `/api/audit?${k}=${encodeURIComponent(v)}`)) },
    "GET /api/audit/export": { expect: "error", cases: req("GET", fc.oneof(fc.string({ minLength: 1, maxLength: 10 }).filter((f) => f !== "csv" && f !== "json").map(encodeURIComponent), c("CSV"), c("xml")).map((f) => `/api/audit/export?format=${f}`)) },
  };
}

/** Unknown paths and methods under /api. */
export const unknownRoutes: fc.Arbitrary<FuzzRequest> = fc.record({
  method: fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"),
  path: fc.array(badSegment, { minLength: 1, maxLength: 4 }).map((segs) => `/api/${segs.join("/")}`),
  body: fc.oneof(fc.constant(undefined), deepJson, hugeJson).map((b) => b),
}).map(({ body, ...r }) => (body === undefined ? r : { ...r, body }));
