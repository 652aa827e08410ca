// One HTTP server, one port: REST under /api, the browser WebSocket at /api/live, and
// everything else handed to Next.js (when given: tests run without it). Upgrades other than
// /api/live are refused; /api/live needs a signed-in session and this server's Origin.
import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { Dashboard, type DashboardOptions } from "../dashboard.ts";
import type { DirectorRegistration } from "@/protocol/dashboard/index.ts";
import { LIVE_ACCESS } from "../auth/policy.ts";
import { createGuard } from "./guard.ts";
import { auditRoutes } from "./routes-audit.ts";
import { authRoutes } from "./routes-auth.ts";
import { directorRoutes } from "./routes-directors.ts";
import { drainRoutes } from "./routes-drains.ts";
import { groupRoutes } from "./routes-groups.ts";
import { healthRoutes } from "./routes-health.ts";
import { hostRoutes } from "./routes-host.ts";
import { ipvsadmRoutes } from "./routes-ipvsadm.ts";
import { historyRoutes } from "./routes-history.ts";
import { rulesRoutes } from "./routes-rules.ts";
import { searchRoutes } from "./routes-search.ts";
import { tokenRoutes } from "./routes-tokens.ts";
import { userRoutes } from "./routes-users.ts";
import { sendError } from "./respond.ts";
import { HistorySource } from "../history/source.ts";
import { PrometheusClient, type PrometheusOptions } from "../history/prometheus.ts";
import { ServerMetrics } from "../metrics/handler.ts";
import { applySecurityHeaders } from "./security-headers.ts";
import { Router } from "./router.ts";

export type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface ServerOptions extends DashboardOptions {
  host?: string;
  /** 0 picks a free port */
  port?: number;
  /** Next.js's request handler for pages; without it non-API paths answer 404 */
  next?: NextHandler;
  /** the metrics token of the moment (--metrics-token-file); absent: /metrics and
   * /api/prometheus/targets answer 404 */
  metricsToken?: () => string | null;
  /** --prometheus: the charts' ranges beyond SQLite's from its query_range (server/history/source.ts) */
  prometheus?: PrometheusOptions;
  /** config-file directors, upserted at start */
  directors?: readonly DirectorRegistration[];
  /** hold every JSON answer to the REST contract's reply schema (a mismatch answers 500);
   * default: LVS_CHECK_REPLIES=1 in the environment, as the test runner sets it */
  checkReplies?: boolean;
}

export interface RunningServer {
  readonly app: Dashboard;
  readonly http: Server;
  /** every REST route with its minimum role */
  readonly router: Router;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function createServer(opts: ServerOptions): Promise<RunningServer> {
  const app = new Dashboard(opts);
  await app.auth.init();
  const checkReplies = opts.checkReplies ?? process.env.LVS_CHECK_REPLIES === "1";
  const router = new Router(createGuard(app.auth, app.audit, app.storeHealth), { checkReplies });
  authRoutes(router, app);
  userRoutes(router, app);
  auditRoutes(router, app);
  directorRoutes(router, app);
  rulesRoutes(router, app);
  historyRoutes(router, app, new HistorySource(app.history, opts.prometheus ? new PrometheusClient(opts.prometheus) : null));
  hostRoutes(router, app);
  drainRoutes(router, app);
  groupRoutes(router, app);
  healthRoutes(router, app);
  tokenRoutes(router, app);
  ipvsadmRoutes(router, app);
  searchRoutes(router, app);

  const metrics = new ServerMetrics(app, opts.metricsToken ?? (() => null));
  const http = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const api = url.pathname === "/api" || url.pathname.startsWith("/api/");
    applySecurityHeaders(req, res, api ? "api" : "page", app.auth.secure(req));
    // Prometheus's endpoints: the metrics token, no session (server/metrics/)
    if (metrics.handle(req, res, url)) return;
    if (api) {
      const started = performance.now();
      res.once("finish", () => {
        const route = router.patternOf(url.pathname) ?? "unmatched";
        metrics.http.observe(req.method ?? "", route, res.statusCode, (performance.now() - started) / 1000);
      });
      void router.handle(req, res, url);
      return;
    }
    if (!opts.next) {
      res.writeHead(404, { "content-type": "text/plain" }).end("the dashboard pages are not served by this instance\n");
      return;
    }
    Promise.resolve(opts.next(req, res)).catch((err: unknown) => sendError(res, err));
  });
  http.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    try {
      upgrade(req, socket, head);
    } catch (err) {
      // a store fault (the session lookup, the audit) must not take the server down
      app.storeHealth.report("live upgrade", err);
      socket.end("HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
    }
  });
  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== "/api/live") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    const refuse = (status: string, action: string | null, user: string, message: string) => {
      if (action) {
        const address = app.auth.clientAddress(req);
        app.audit.refused({ user, action, director: null, target: "live", request: { address }, address }, { error: message });
      }
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
      socket.destroy();
    };
    // browsers always send Origin on a WebSocket: another site's page must not ride the cookie
    if (!app.auth.sameOrigin(req)) return refuse("403 Forbidden", "auth.origin", "anonymous", "cross-origin WebSocket refused");
    const found = app.auth.principalOf(req);
    if (!("principal" in found)) {
      // no cookie at all is not worth an audit entry (a signed-out tab retrying)
      if (found.failure === "none") return refuse("401 Unauthorized", null, "anonymous", "sign in first");
      return refuse("401 Unauthorized", "auth.session", "anonymous", `your session ${found.failure === "expired" ? "expired" : "is not valid"}: sign in again`);
    }
    try {
      app.auth.require(found.principal, LIVE_ACCESS, "the live WebSocket");
    } catch {
      return refuse("403 Forbidden", "auth.denied", found.principal.user.username, "the live WebSocket needs the viewer role");
    }
    app.hub.handleUpgrade(req, socket, head, found.principal.session.key, `user:${found.principal.user.id}`);
  };

  app.start(opts.directors ?? []);
  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port ?? 3000, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    app,
    http,
    router,
    port,
    url: `http://${shownHost}:${port}`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        app.close();
        http.close(() => resolve());
        http.closeAllConnections();
      });
      return closed;
    },
  };
}
