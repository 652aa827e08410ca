// A small method + path router for /api, registered by the keys of the REST contract
// (protocol/dashboard/routes.ts: "POST /api/drains"): a key outside it cannot be registered,
// a handler's answer is typed by the contract's reply, and with `checkReplies` (the tests)
// every JSON answer is held to its reply schema (route-schemas.ts). Parameters are
// URL-decoded (service keys arrive encodeURIComponent'ed). Unknown paths are not_found, known
// paths with another method answer 405 with Allow. The guard runs before the handler.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PathParams, RouteKey } from "@/protocol/dashboard/routes.ts";
import { splitRouteKey } from "@/protocol/dashboard/routes.ts";
import type { RouteReply } from "@/protocol/dashboard/route-types.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Principal } from "../auth/auth.ts";
import { type Access, accessOf } from "../auth/policy.ts";
import { replyMismatch } from "./reply-check.ts";
import { sendError, sendJson } from "./respond.ts";

export interface RouteContext<K extends RouteKey = RouteKey> {
  req: IncomingMessage;
  res: ServerResponse;
  params: PathParams<K> & Record<string, string>;
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

/** What a handler answers: the reply (200), `reply(status, body)`, or undefined when it
 * answered itself (streams, text, sign-in's cookies). */
export type Answer<K extends RouteKey> = RouteReply<K> | Reply<RouteReply<K>> | undefined;
export type RouteHandler<K extends RouteKey = RouteKey> = (ctx: RouteContext<K>) => Promise<Answer<K>> | Answer<K>;

export interface Reply<T = unknown> {
  status: number;
  body: T;
  [REPLY]: true;
}
export const reply = <T>(status: number, body: T): Reply<T> => ({ status, body, [REPLY]: true });
const REPLY = Symbol("reply");

interface Route extends RouteInfo {
  key: RouteKey;
  parts: string[];
  handler: RouteHandler<RouteKey>;
}

export interface RouterOptions {
  /** hold every JSON answer to its reply schema; a mismatch answers 500 (tests, development) */
  checkReplies?: boolean;
}

export class Router {
  readonly #routes: Route[] = [];
  readonly #guard: Guard;
  readonly #checkReplies: boolean;

  constructor(guard: Guard, opts: RouterOptions = {}) {
    this.#guard = guard;
    this.#checkReplies = opts.checkReplies ?? false;
  }

  on<K extends RouteKey>(key: K, handler: RouteHandler<K>): this {
    const { method, pattern } = splitRouteKey(key);
    const access = accessOf(method, pattern);
    this.#routes.push({ key, method, pattern, access, parts: pattern.split("/").filter(Boolean), handler: handler as unknown as RouteHandler<RouteKey> });
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
        const out = await r.handler({ req, res, params: params as RouteContext["params"], query: url.searchParams, principal });
        if (out === undefined) return;
        const rep: Reply = typeof out === "object" && out !== null && REPLY in out ? (out as Reply) : reply(200, out);
        const mismatch = this.#checkReplies ? await replyMismatch(r.key, rep.body) : null;
        if (mismatch) throw new ProtocolError("internal", mismatch);
        sendJson(res, rep.status, rep.body);
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
