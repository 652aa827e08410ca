// A small method + path router for /api: patterns like "/api/directors/:id"; parameters are
// URL-decoded (service keys arrive encodeURIComponent'ed). Unknown paths are not_found, known
// paths with another method answer 405 with Allow.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError } from "../../protocol/errors.ts";
import { sendError, sendJson } from "./respond.ts";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
}

/** Returns a JSON body (200), `{status, body}`, or undefined when it answered itself. */
export type RouteHandler = (ctx: RouteContext) => Promise<unknown> | unknown;

export interface Reply {
  status: number;
  body: unknown;
}
export const reply = (status: number, body: unknown): Reply & { [REPLY]: true } => ({ status, body, [REPLY]: true });
const REPLY = Symbol("reply");

interface Route {
  method: string;
  parts: string[];
  handler: RouteHandler;
}

export class Router {
  readonly #routes: Route[] = [];

  on(method: string, pattern: string, handler: RouteHandler): this {
    this.#routes.push({ method, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  #match(route: Route, segs: string[]): Record<string, string> | null {
    if (route.parts.length !== segs.length) return null;
    const params: Record<string, string> = {};
    for (let i = 0; i < segs.length; i++) {
      const p = route.parts[i]!;
      const s = segs[i]!;
      if (p.startsWith(":")) {
        try {
          params[p.slice(1)] = decodeURIComponent(s);
        } catch {
          return null;
        }
      } else if (p !== s) return null;
    }
    return params;
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const segs = url.pathname.split("/").filter(Boolean);
    const allowed: string[] = [];
    try {
      for (const r of this.#routes) {
        const params = this.#match(r, segs);
        if (!params) continue;
        if (r.method !== req.method) {
          allowed.push(r.method);
          continue;
        }
        const out = await r.handler({ req, res, params, query: url.searchParams });
        if (out === undefined) return;
        if (typeof out === "object" && out !== null && REPLY in out) {
          const rep = out as unknown as Reply;
          sendJson(res, rep.status, rep.body);
        } else sendJson(res, 200, out);
        return;
      }
      if (allowed.length > 0) {
        res.setHeader("allow", allowed.join(", "));
        sendJson(res, 405, { error: { code: "bad_request", message: `${req.method} is not allowed here; use ${allowed.join(", ")}` } });
        return;
      }
      throw new ProtocolError("not_found", `no API route ${req.method} ${url.pathname}`);
    } catch (err) {
      sendError(res, err);
    }
  }
}
