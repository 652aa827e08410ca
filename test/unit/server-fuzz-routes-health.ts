// Bad requests for the health routes (/api/directors/:id/health, server/http/routes-health.ts),
// in the style of server-fuzz-routes.ts: the fixture's d1 runs the agent's real health
// handlers (no checks configured); a case names d1's real service and real server with a body
// that fails the route's schema (the agent's own, filtered with it so no case is valid), or a
// target that does not exist / is malformed with any body. Never a valid change.
import fc from "fast-check";
import { RealServerHealthSettings, ServiceHealthSettings } from "@/protocol/dashboard/health.ts";
import { badAddress } from "./server-fuzz-kit.ts";
import { DEST_KEY, type RouteFuzz, SVC_KEY, anyBody, invalidFor, notReal, otherDest, otherService, req } from "./server-fuzz-routes.ts";

const S = encodeURIComponent(SVC_KEY);
const D = encodeURIComponent(DEST_KEY);
const H = "/api/directors/d1/health";
const c = fc.constant;

export function healthRouteFuzz(): Record<string, RouteFuzz> {
  const id = fc.oneof(notReal("d1"), c("no-such-director"));
  const rsTemplate = {
    checkers: [{ kind: "HTTP_GET", urls: [{ path: "/", statusCode: [{ from: 200, to: 299 }], digest: "0".repeat(32) }], connectPort: 80, virtualhost: "x" }],
    delayLoop: 2, retry: 1, delayBeforeRetry: 1, warmup: 1, alpha: true, connectTimeout: 1, inhibitOnFailure: true,
  };
  const svcTemplate = { quorum: 1, hysteresis: 0, delayLoop: 2, inhibitOnFailure: false, sorryServer: { key: { address: "10.0.0.50", port: 80 }, forwarding: "masq", inhibit: false } };
  const special = (p: string) =>
    p.endsWith("kind") ? fc.constantFrom("tcp_check", "", "SMTP_CHECK", "HTTP") :
    p.endsWith("path") ? fc.constantFrom("", "x", "/a b", "//\u0000") :
    p.endsWith("address") || p.endsWith("connectIp") || p.endsWith("bindto") ? badAddress :
    p.endsWith("delayLoop") ? fc.constantFrom(0, -1, 1e9, Number.NaN) :
    p.endsWith("quorum") ? fc.constantFrom(0, -1, 1.5) : null;
  const rsBad = invalidFor(RealServerHealthSettings, rsTemplate, { strict: true, special });
  const svcBad = invalidFor(ServiceHealthSettings, svcTemplate, { strict: true, special });
  const svcs = fc.oneof(notReal(SVC_KEY), otherService);
  const dests = fc.oneof(notReal(DEST_KEY), otherDest);
  return {
    "GET /api/directors/:id/health": { expect: "error", cases: req("GET", id.map((i) => `/api/directors/${i}/health`)) },
    "GET /api/directors/:id/health/config": { expect: "error", cases: req("GET", id.map((i) => `/api/directors/${i}/health/config`)) },
    "PUT /api/directors/:id/health/services/:service": {
      expect: "error",
      cases: fc.oneof(
        req("PUT", c(`${H}/services/${S}`), svcBad),
        req("PUT", svcs.map((k) => `${H}/services/${k}`), anyBody({ quorum: 1 })),
        req("PUT", id.map((i) => `/api/directors/${i}/health/services/${S}`), anyBody({ quorum: 1 })),
      ),
    },
    // nothing is configured on d1: removing its service's checks is a 404 too
    "DELETE /api/directors/:id/health/services/:service": {
      expect: "error",
      cases: fc.oneof(req("DELETE", fc.oneof(svcs, c(S)).map((k) => `${H}/services/${k}`)), req("DELETE", id.map((i) => `/api/directors/${i}/health/services/${S}`))),
    },
    "PUT /api/directors/:id/health/services/:service/destinations/:dest": {
      expect: "error",
      cases: fc.oneof(
        req("PUT", c(`${H}/services/${S}/destinations/${D}`), rsBad),
        req("PUT", dests.map((k) => `${H}/services/${S}/destinations/${k}`), anyBody({ checkers: [] })),
        req("PUT", svcs.map((k) => `${H}/services/${k}/destinations/${D}`), anyBody({ checkers: [] })),
        req("PUT", id.map((i) => `/api/directors/${i}/health/services/${S}/destinations/${D}`), anyBody({ checkers: [] })),
      ),
    },
    "DELETE /api/directors/:id/health/services/:service/destinations/:dest": {
      expect: "error",
      cases: fc.oneof(
        req("DELETE", fc.oneof(dests, c(D)).map((k) => `${H}/services/${S}/destinations/${k}`)),
        req("DELETE", svcs.map((k) => `${H}/services/${k}/destinations/${D}`)),
      ),
    },
  };
}
