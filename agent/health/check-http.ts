// HTTP_GET and SSL_GET: each url in turn, GET with the virtualhost as Host; a url passes when
// the status is in its status_code ranges (default 200-299), the body's md5 is its digest and
// the body matches its regex, when given. TLS certificates are not verified (keepalived does
// not verify them either). The body read is capped: a check never buffers a large download.
import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { Checker, HttpUrl } from "@/protocol/health.ts";
import { type CheckOutcome, type CheckTarget, errorReason, timeoutReason } from "./check-net.ts";

const MAX_BODY = 1024 * 1024;
type HttpChecker = Extract<Checker, { kind: "HTTP_GET" | "SSL_GET" }>;

function statusOk(url: HttpUrl, status: number): boolean {
  const ranges = url.statusCode ?? [{ from: 200, to: 299 }];
  return ranges.some((r) => status >= r.from && status <= r.to);
}

function getOne(c: HttpChecker, url: HttpUrl, t: CheckTarget, deadline: number): Promise<CheckOutcome> {
  const needBody = url.digest !== undefined || url.regex !== undefined;
  const hostPort = t.address.includes(":") ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`;
  const request = c.kind === "SSL_GET" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const left = Math.max(1, deadline - Date.now());
    const req = request({
      host: t.address,
      port: t.port,
      path: url.path,
      method: "GET",
      agent: false,
      rejectUnauthorized: false,
      ...(t.bindto ? { localAddress: t.bindto } : {}),
      headers: { Host: url.virtualhost ?? c.virtualhost ?? hostPort, Connection: "close", "User-Agent": "lvs-fleet-health" },
    });
    const timer = setTimeout(() => done({ ok: false, reason: timeoutReason(t.timeoutMs) }), left);
    let settled = false;
    function done(o: CheckOutcome) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    }
    req.on("error", (e) => done({ ok: false, reason: errorReason(e) }));
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (!statusOk(url, status)) return done({ ok: false, reason: `HTTP ${status}` });
      if (!needBody) return done({ ok: true, reason: `HTTP ${status}` });
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (b: Buffer) => {
        size += b.length;
        if (size > MAX_BODY) return done({ ok: false, reason: "body larger than 1 MB" });
        chunks.push(b);
      });
      res.on("error", (e) => done({ ok: false, reason: errorReason(e) }));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        if (url.digest && createHash("md5").update(body).digest("hex") !== url.digest)
          return done({ ok: false, reason: `digest mismatch on ${url.path}` });
        if (url.regex && !new RegExp(url.regex).test(body.toString("latin1")))
          return done({ ok: false, reason: `regex not matched on ${url.path}` });
        done({ ok: true, reason: `HTTP ${status}` });
      });
    });
    req.end();
  });
}

export async function httpCheck(c: HttpChecker, t: CheckTarget): Promise<CheckOutcome> {
  const deadline = Date.now() + t.timeoutMs;
  let last: CheckOutcome = { ok: false, reason: "no url" };
  for (const url of c.urls) {
    last = await getOne(c, url, t, deadline);
    if (!last.ok) return last;
  }
  return last;
}
