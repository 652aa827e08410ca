// The agent's WebSocket endpoint: HTTP or HTTPS, a bearer token checked on the upgrade
// request (refused with 401 before any message is read), a message size limit and ws-level
// heartbeats that drop peers which stop answering pings.
import { createServer as createHttpServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { Role } from "@/protocol/agent/catalog.ts";
import type { HandlerRegistry } from "../handlers/registry.ts";
import { isMetricsRequest, serveMetrics } from "../metrics/http.ts";
import { UpgradeBackoff, type UpgradeBackoffOptions, bearerTokenOf, tokenDigest, tokenMatches } from "./auth.ts";
import { AgentConnection } from "./connection.ts";

/**
 * 8 MiB: a rules.import of 5,000 services + 20,000 real servers is 1.2 MB of ipvsadm text
 * (more with IPv6 and thresholds); 1 MiB refused it. Only authenticated peers get this far.
 */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

/**
 * Messages from this size on are deflated when the peer offers permessage-deflate (ws clients,
 * AgentClient included, do): a 5,000-service listing is 1.4 MB of JSON that takes seconds
 * through a small director's network path, and about a tenth of that deflated at level 1.
 * Smaller messages (results, stats events) go out as they are: no zlib work per event.
 */
export const DEFLATE_THRESHOLD_BYTES = 64 * 1024;

export interface AgentServerOptions {
  host: string;
  /** 0 picks a free port; read it back from AgentServer.port */
  port: number;
  /** the bearer token, or a function returning the current one (re-read token file): each
   * upgrade request is checked against the token of that moment */
  token: string | (() => string);
  role: Role;
  registry: HandlerRegistry;
  /** PEM cert and key: serve wss:// instead of ws://; with clientCa (PEM), mutual TLS: the
   * handshake fails for a client without a certificate signed by that CA */
  tls?: { cert: string | Buffer; key: string | Buffer; clientCa?: string | Buffer };
  /** answered with too_large above this (default DEFAULT_MAX_MESSAGE_BYTES) */
  maxMessageBytes?: number;
  /** frames above this close the connection with 1009 (default 4 x maxMessageBytes) */
  hardMaxFrameBytes?: number;
  /** ping interval; a peer that missed the previous ping is dropped (default 30 s) */
  heartbeatMs?: number;
  maxInFlight?: number;
  /** GET /metrics (agent/metrics/): the page builder, served to holders of the token */
  metrics?: () => Promise<string>;
  /** every upgrade request, after the token check (for logging refused peers, and tests);
   * `reason` says why a refused one was refused */
  onUpgradeRequest?: (info: { authorized: boolean; remoteAddress: string | undefined; reason?: string }) => void;
  /** failed upgrades per address before they are backed off, and how long (auth.ts) */
  upgradeBackoff?: UpgradeBackoffOptions;
  /** after the token changes, connections opened with the old one are closed this much
   * later (default 30 s: the dashboard reconnects with the new token in the meantime) */
  tokenGraceMs?: number;
  /** a connection opened with an old token was closed (for logging) */
  onOldTokenClosed?: (info: { remoteAddress: string | undefined }) => void;
}

export interface AgentServer {
  readonly port: number;
  readonly url: string;
  readonly clientCount: number;
  close(): Promise<void>;
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, retryAfterS?: number): void {
  const extra = (status === 401 ? "WWW-Authenticate: Bearer\r\n" : "") + (retryAfterS ? `Retry-After: ${retryAfterS}\r\n` : "");
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Connection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function plainHttp(req: IncomingMessage, res: ServerResponse, token: () => string, metrics?: () => Promise<string>): void {
  // liveness for systemd/monitoring without the token; it reveals nothing else
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    return;
  }
  if (metrics && isMetricsRequest(req)) {
    void serveMetrics(req, res, token, metrics).catch(() => res.destroy());
    return;
  }
  res.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" }).end("WebSocket only\n");
}

export async function startAgentServer(opts: AgentServerOptions): Promise<AgentServer> {
  const currentToken = typeof opts.token === "string" ? () => opts.token as string : opts.token;
  if (currentToken().length === 0) throw new Error("the agent token must not be empty");
  const maxMessageBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => plainHttp(req, res, currentToken, opts.metrics);
  const http: Server = opts.tls
    ? createHttpsServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ...(opts.tls.clientCa ? { ca: opts.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
        },
        onRequest,
      )
    : createHttpServer(onRequest);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: opts.hardMaxFrameBytes ?? maxMessageBytes * 4,
    perMessageDeflate: {
      threshold: DEFLATE_THRESHOLD_BYTES,
      zlibDeflateOptions: { level: 1 },
      // no window kept between messages: memory is only held while a big message is in work
      serverNoContextTakeover: true,
      clientNoContextTakeover: true,
    },
  });
  const alive = new WeakMap<WebSocket, boolean>();

  const backoff = new UpgradeBackoff(opts.upgradeBackoff);
  /** the digest of the token each connection was opened with */
  const openedWith = new WeakMap<WebSocket, string>();
  http.on("upgrade", (req, socket, head) => {
    socket.on("error", () => socket.destroy());
    const remoteAddress = req.socket.remoteAddress;
    const address = remoteAddress ?? "unknown";
    const wait = backoff.waitMs(address);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      opts.onUpgradeRequest?.({ authorized: false, remoteAddress, reason: `backing off after failed attempts: retry in ${seconds} s` });
      refuseUpgrade(socket, 429, "Too Many Requests", seconds);
      return;
    }
    const token = currentToken();
    const presented = bearerTokenOf(req.headers.authorization);
    const authorized = tokenMatches(token, presented);
    if (!authorized) {
      backoff.failed(address);
      opts.onUpgradeRequest?.({ authorized, remoteAddress, reason: presented === undefined ? "no bearer token" : "wrong token" });
      refuseUpgrade(socket, 401, "Unauthorized");
      return;
    }
    backoff.succeeded(address);
    opts.onUpgradeRequest?.({ authorized, remoteAddress });
    wss.handleUpgrade(req, socket, head, (ws) => {
      openedWith.set(ws, tokenDigest(token));
      wss.emit("connection", ws, req);
    });
  });

  // a rotated token ends the connections opened with the old one, after the grace period
  const graceMs = opts.tokenGraceMs ?? 30_000;
  const oldSince = new WeakMap<WebSocket, number>();
  const remotes = new WeakMap<WebSocket, string | undefined>();
  let lastToken = "";
  let lastDigest = "";
  const rotation = setInterval(() => {
    const token = currentToken();
    if (token !== lastToken) {
      lastToken = token;
      lastDigest = tokenDigest(token);
    }
    const now = Date.now();
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue; // closing already
      if (openedWith.get(ws) === lastDigest) {
        oldSince.delete(ws);
        continue;
      }
      const since = oldSince.get(ws) ?? now;
      oldSince.set(ws, since);
      if (now - since >= graceMs) {
        ws.close(1008, "the agent token was rotated: reconnect with the new token");
        opts.onOldTokenClosed?.({ remoteAddress: remotes.get(ws) });
      }
    }
  }, Math.max(50, Math.min(1000, graceMs / 4)));
  rotation.unref();

  wss.on("connection", (ws: WebSocket, req: IncomingMessage) => {
    remotes.set(ws, req.socket.remoteAddress);
    alive.set(ws, true);
    ws.on("pong", () => alive.set(ws, true));
    new AgentConnection(ws, {
      role: opts.role,
      registry: opts.registry,
      maxMessageBytes,
      maxInFlight: opts.maxInFlight ?? 256,
      maxBufferedBytes: 8 * maxMessageBytes,
    });
  });

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, heartbeatMs);
  heartbeat.unref();

  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(opts.port, opts.host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;

  return {
    port,
    url: `${opts.tls ? "wss" : "ws"}://${host}:${port}`,
    get clientCount() {
      return wss.clients.size;
    },
    close: async () => {
      clearInterval(heartbeat);
      clearInterval(rotation);
      for (const ws of wss.clients) ws.close(1001, "agent shutting down");
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      // peers that do not finish the close handshake within 2 s are cut
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((r) => (grace = setTimeout(r, 2000)))]);
      clearTimeout(grace);
      for (const ws of wss.clients) ws.terminate();
      await closed;
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
