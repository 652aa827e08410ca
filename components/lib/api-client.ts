// The typed REST client, built from the REST contract (protocol/dashboard/routes.ts): one
// method per route under its name (`api.drains.start({ body })`), its parameters, body and
// reply typed by route-types.ts, and every JSON answer parsed with the route's reply schema
// (route-schemas.ts, a lazy chunk: zod stays out of the page's first JavaScript). An answer
// that does not parse is the server speaking another version than the page: it fails as
// version_mismatch with the schema's issues instead of reaching a view half-understood.
import type { RouteBody, RouteQuery, RouteReply } from "@/protocol/dashboard/route-types.ts";
import { type PathParams, ROUTES, type RouteKey, type RouteName, routePath, splitRouteKey } from "@/protocol/dashboard/routes.ts";
import { ApiRequestError, send } from "./api.ts";

type NoParams<K extends RouteKey> = [keyof PathParams<K>] extends [never] ? true : false;
type BodyArg<K extends RouteKey> = [RouteBody<K>] extends [undefined] ? { body?: undefined } : undefined extends RouteBody<K> ? { body?: RouteBody<K> } : { body: RouteBody<K> };
type QueryArg<K extends RouteKey> = [RouteQuery<K>] extends [undefined] ? { query?: undefined } : undefined extends RouteQuery<K> ? { query?: RouteQuery<K> } : { query: RouteQuery<K> };

/** What a call of route K takes: `params` (the pattern's), `body`, `query`, extra `headers`. */
export type CallArgs<K extends RouteKey> = (NoParams<K> extends true ? { params?: undefined } : { params: PathParams<K> }) &
  BodyArg<K> &
  QueryArg<K> & { headers?: Record<string, string> };
/** The arguments optional when the route needs none. */
export type ArgList<K extends RouteKey> = object extends CallArgs<K> ? [args?: CallArgs<K>] : [args: CallArgs<K>];

type Schemas = typeof import("@/protocol/dashboard/route-schemas.ts");
let schemas: Promise<Schemas> | null = null;
const loadSchemas = () => (schemas ??= import("@/protocol/dashboard/route-schemas.ts"));
// the browser fetches the chunk with the page, not on its first answer
if (typeof window !== "undefined") void loadSchemas().catch(() => undefined);

/** The URL of a call (also the SWR key of a GET). */
export function url<K extends RouteKey>(key: K, ...[args]: ArgList<K>): string {
  const a = (args ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown> };
  const path = routePath(key, a.params ?? {});
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(a.query ?? {})) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** The answer's JSON checked against the route's reply schema. */
async function parseReply<K extends RouteKey>(key: K, status: number, body: unknown): Promise<RouteReply<K>> {
  let schema: ReturnType<Schemas["replySchemaOf"]>;
  try {
    schema = (await loadSchemas()).replySchemaOf(key);
  } catch (e) {
    throw new ApiRequestError(0, "network", `the page could not load its reply schemas: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!schema) return body as RouteReply<K>;
  const r = schema.safeParse(body);
  if (r.success) return r.data as RouteReply<K>;
  const issues = r.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const first = issues[0];
  throw new ApiRequestError(status, "version_mismatch", `the server's answer to ${key} is not the one this page knows (${first ? `${first.path || "(root)"}: ${first.message}` : "unreadable"}): reload the page`, { issues });
}

/** Calls route K; resolves to its parsed reply (text for a text route). */
export async function call<K extends RouteKey>(key: K, ...[args]: ArgList<K>): Promise<RouteReply<K>> {
  const a = (args ?? {}) as { body?: unknown; headers?: Record<string, string> };
  const { method } = splitRouteKey(key);
  const kind = (ROUTES[key] as { reply?: string }).reply;
  const res = await send(url(key, ...([args] as ArgList<K>)), {
    method,
    headers: { ...(kind === "text" ? { accept: "text/plain" } : {}), ...(a.body === undefined ? {} : { "content-type": "application/json" }), ...a.headers },
    ...(a.body === undefined ? {} : { body: JSON.stringify(a.body) }),
  });
  const text = await res.text();
  if (kind === "text") return text as RouteReply<K>;
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiRequestError(res.status, "version_mismatch", `the server's answer to ${key} is not JSON: ${text.slice(0, 200)}`);
  }
  return parseReply(key, res.status, json);
}

type Names = { [K in RouteKey]: RouteName<K> }[RouteKey];
type KeyOf<N extends Names> = { [K in RouteKey]: RouteName<K> extends N ? K : never }[RouteKey];
type Group<N> = N extends `${infer G}.${string}` ? G : never;
type Method<N> = N extends `${string}.${infer M}` ? M : never;

/** `api.<group>.<method>(args)` for every route of the contract. */
export type ApiClient = {
  [G in Group<Names>]: {
    [N in Names as N extends `${G}.${string}` ? Method<N> : never]: (...args: ArgList<KeyOf<N>>) => Promise<RouteReply<KeyOf<N>>>;
  };
};

function buildClient(): ApiClient {
  const out: Record<string, Record<string, (args?: unknown) => Promise<unknown>>> = {};
  for (const [key, spec] of Object.entries(ROUTES)) {
    const [group, method] = spec.name.split(".") as [string, string];
    const methods = out[group] ?? {};
    methods[method] = (args?: unknown) => call(key as RouteKey, ...([args] as ArgList<RouteKey>));
    out[group] = methods;
  }
  return out as unknown as ApiClient;
}

export const api: ApiClient = buildClient();
