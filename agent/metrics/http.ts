// GET /metrics on the agent's own listener (the WebSocket's port and TLS): the bearer token of
// the WebSocket, compared in constant time; 401 and no data without it. Prometheus sends
// Accept-Encoding: gzip, so a big page goes out compressed (zlib's thread pool, off the loop).
import type { IncomingMessage, ServerResponse } from "node:http";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { bearerTokenOf, tokenMatches } from "../ws/auth.ts";
import { CONTENT_TYPE } from "./exposition.ts";

const gzipAsync = promisify(gzip);

export function isMetricsRequest(req: IncomingMessage): boolean {
  return (req.url ?? "").split("?")[0] === "/metrics";
}

export async function serveMetrics(
  req: IncomingMessage,
  res: ServerResponse,
  token: () => string,
  render: () => Promise<string>,
): Promise<void> {
  if (!tokenMatches(token(), bearerTokenOf(req.headers.authorization))) {
    res.writeHead(401, { "content-type": "text/plain", "www-authenticate": "Bearer" }).end("unauthorized\n");
    return;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "content-type": "text/plain", allow: "GET, HEAD" }).end("GET only\n");
    return;
  }
  let text: string;
  try {
    text = await render();
  } catch (err) {
    res.writeHead(500, { "content-type": "text/plain" }).end(`metrics failed: ${(err as Error).message}\n`);
    return;
  }
  const wantsGzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
  const body = wantsGzip ? await gzipAsync(text, { level: 1 }) : Buffer.from(text, "utf8");
  const headers: Record<string, string> = { "content-type": CONTENT_TYPE, "content-length": String(body.length) };
  if (wantsGzip) headers["content-encoding"] = "gzip";
  res.writeHead(200, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}
