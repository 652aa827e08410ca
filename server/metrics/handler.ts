// The server's Prometheus endpoints, answered before the session-based API router: GET
// /metrics and GET /api/prometheus/targets, both for the metrics token only (Prometheus has no
// session); without --metrics-token-file they answer 404, with a wrong or missing token 401.
import type { IncomingMessage, ServerResponse } from "node:http";
import { CONTENT_TYPE } from "@/protocol/prometheus-text.ts";
import type { Dashboard } from "../dashboard.ts";
import { AuditCounter } from "./audit-counter.ts";
import { HttpMetrics } from "./http-metrics.ts";
import { renderServerMetrics } from "./page.ts";
import { httpSdTargets } from "./targets.ts";
import { bearerMatches } from "./token.ts";

export const METRICS_PATHS = new Set(["/metrics", "/api/prometheus/targets"]);

export class ServerMetrics {
  readonly http = new HttpMetrics();
  readonly #audit: AuditCounter;

  constructor(
    readonly app: Dashboard,
    /** the current metrics token; null: the endpoints are off */
    readonly token: () => string | null,
  ) {
    this.#audit = new AuditCounter().attach(app.audit);
  }

  /** true when this request was one of ours (answered) */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (!METRICS_PATHS.has(url.pathname)) return false;
    const token = this.token();
    if (token === null) {
      res.writeHead(404, { "content-type": "text/plain" }).end("metrics are off (no --metrics-token-file)\n");
      return true;
    }
    if (!bearerMatches(token, req.headers.authorization)) {
      res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" }).end("unauthorized\n");
      return true;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "text/plain", allow: "GET, HEAD" }).end("GET only\n");
      return true;
    }
    if (url.pathname === "/metrics") {
      res.writeHead(200, { "content-type": CONTENT_TYPE }).end(req.method === "HEAD" ? undefined : renderServerMetrics(this.app, this.http, this.#audit));
      return true;
    }
    const body = JSON.stringify(httpSdTargets(this.app.fleet.store.list(), { group: url.searchParams.get("group"), role: url.searchParams.get("role") }));
    res.writeHead(200, { "content-type": "application/json" }).end(req.method === "HEAD" ? undefined : body);
    return true;
  }
}
