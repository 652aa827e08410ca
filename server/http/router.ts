// A small method + path router for /api: patterns like "/api/directors/:id"; parameters are
// URL-decoded (service keys arrive encodeURIComponent'ed). Unknown paths are not_found, known
// paths with another method answer 405 with Allow. Every route has an access level from
// server/auth/policy.ts (registration fails without one) and the guard runs before the handler.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Principal } from "../auth/auth.ts";
import { type Access, accessOf } from "../auth/policy.ts";
import { sendError, sendJson } from "./respond.ts";

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  /** the signed-in user; null only on public routes without a session */
  principal: Principal | null;
}

export interface RouteInfo {
  method: string;
  pattern: string;
  access: Access;
}

/** Authenticates and authorizes a request for a route (throws unauthorized/forbidden). */
export type Guard = (req: IncomingMessage, res: ServerResponse, route: RouteInfo) => Principal | null;

/** Returns a JSON body (200), `{status, body}`, or undefined when it answered itself. */
export type RouteHandler = (ctx: RouteContext) => Promise<unknown> | unknown;

export interface Reply {
  status: number;
  body: unknown;
}
export const reply = (status: number, body: unknown): Reply & { [REPLY]: true } => ({ status, body, [REPLY]: true });
const REPLY = Symbol("reply");

interface Route extends RouteInfo {
  parts: string[];
  handler: RouteHandler;
}

export class Router {
  readonly #routes: Route[] = [];
  readonly #guard: Guard;

  constructor(guard: Guard) {
    this.#guard = guard;
  }

  on(method: string, pattern: string, handler: RouteHandler): this {
    const access = accessOf(method, pattern);
    this.#routes.push({ method, pattern, access, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  /** Every registered route with its access level. */
  routes(): RouteInfo[] {
    return this.#routes.map(({ method, pattern, access }) => ({ method, pattern, access }));
  }

  /** The pattern a path matches (the route label of the request metrics), or null. */
  patternOf(pathname: string): string | null {
    const segs = pathname.split("/").filter(Boolean);
    for (const r of this.#routes) if (this.#match(r, segs)) return r.pattern;
    return null;
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
        const principal = this.#guard(req, res, r);
        const out = await r.handler({ req, res, params, query: url.searchParams, principal });
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
