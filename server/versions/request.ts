// The versioning hooks of the REST routes: the base version a mutation was made against
// comes in the `If-Match` header (an entity tag: "v", W/"v" or bare) or in the body field
// `baseVersion` (`baseVersions: {director: version}` for group-wide drains). The body's other
// fields are validated with the route's schema as before.
import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { BaseVersions, type DirectorDetailView, TableVersion } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import type { DirectorLink } from "../agents/link.ts";
import { withBaseVersions } from "./at-version.ts";
import { directorDetailView } from "../live/views.ts";
import { MAX_BODY_BYTES, readBody, validate } from "../http/respond.ts";

export interface Bases {
  /** for the one director the route names */
  baseVersion?: string;
  /** per director (group drains) */
  baseVersions?: Map<string, string>;
}

/** The version named by If-Match; undefined without one or for `*` (any version). */
export function ifMatchVersion(req: IncomingMessage): string | undefined {
  const raw = req.headers["if-match"];
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (v === "*" || v === "") return undefined;
  if (v.includes(",")) throw new ProtocolError("bad_request", "If-Match must name exactly one version");
  const m = /^(?:W\/)?"([^"]*)"$/.exec(v);
  return validate(TableVersion, m ? m[1] : v, "If-Match version");
}

function merge(header: string | undefined, body: string | undefined): string | undefined {
  if (header !== undefined && body !== undefined && header !== body) {
    throw new ProtocolError("bad_request", `If-Match (${header}) and baseVersion (${body}) name different versions`);
  }
  return header ?? body;
}

/** Takes the base version fields out of a parsed JSON body (a copy; other values pass as is). */
function takeBases(raw: unknown, many: boolean): { rest: unknown; bases: Bases } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return { rest: raw, bases: {} };
  const { baseVersion, baseVersions, ...rest } = raw as Record<string, unknown>;
  const bases: Bases = {};
  if (baseVersion !== undefined) bases.baseVersion = validate(TableVersion, baseVersion, "baseVersion");
  if (baseVersions !== undefined) {
    if (!many) throw new ProtocolError("bad_request", "baseVersions is only for group drains; use baseVersion");
    bases.baseVersions = new Map(Object.entries(validate(BaseVersions, baseVersions, "baseVersions")));
  }
  return { rest, bases };
}

async function parseBody(req: IncomingMessage, what: string, limit: number): Promise<unknown> {
  const text = await readBody(req, limit);
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError("bad_request", `the ${what} is not valid JSON`);
  }
}

/** Like readJson, plus the base version from If-Match or the body. */
export async function readJsonWithBase<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  what: string,
  opts: { limit?: number; many?: boolean } = {},
): Promise<{ body: z.output<S> } & Bases> {
  const header = ifMatchVersion(req);
  // only an absent body means {}: a JSON null stays null and fails the schema
  const raw = await parseBody(req, what, opts.limit ?? MAX_BODY_BYTES);
  const { rest, bases } = takeBases(raw === undefined ? {} : raw, opts.many ?? false);
  const baseVersion = merge(header, bases.baseVersion);
  return {
    body: validate(schema, rest, what),
    ...(baseVersion === undefined ? {} : { baseVersion }),
    ...(bases.baseVersions ? { baseVersions: bases.baseVersions } : {}),
  };
}

/** Routes without a body of their own (DELETE, undrain, remove): an optional body that holds
 * only base version fields. */
export async function readBasesOnly(req: IncomingMessage, what: string, many = false): Promise<Bases> {
  const header = ifMatchVersion(req);
  const raw = await parseBody(req, what, 64 * 1024);
  const { rest, bases } = takeBases(raw === undefined ? {} : raw, many);
  if (rest === null || typeof rest !== "object" || Array.isArray(rest) || Object.keys(rest).length > 0) {
    throw new ProtocolError("bad_request", `the ${what} takes no body but baseVersion${many ? " or baseVersions" : ""}`);
  }
  const baseVersion = merge(header, bases.baseVersion);
  return { ...(baseVersion === undefined ? {} : { baseVersion }), ...(bases.baseVersions ? { baseVersions: bases.baseVersions } : {}) };
}

const stateOf = (app: Dashboard) => (l: DirectorLink): DirectorDetailView => directorDetailView(l, app.drainOf);

/** Runs a mutation of one director at its base version (409 conflict if stale). */
export async function atVersion<T>(app: Dashboard, l: DirectorLink, base: string | undefined, run: () => Promise<T>): Promise<T> {
  return withBaseVersions([l], base === undefined ? new Map() : new Map([[l.id, base]]), stateOf(app), run);
}

/** Runs a mutation of several directors; `bases` from baseVersion (when exactly one director
 * is touched) or baseVersions. */
export async function atVersions<T>(app: Dashboard, links: readonly DirectorLink[], b: Bases, run: () => Promise<T>): Promise<T> {
  const bases = new Map(b.baseVersions ?? []);
  if (b.baseVersion !== undefined) {
    const ids = [...new Set(links.map((l) => l.id))];
    if (ids.length !== 1) throw new ProtocolError("bad_request", "this change touches several directors: give baseVersions per director");
    bases.set(ids[0]!, b.baseVersion);
  }
  return withBaseVersions(links, bases, stateOf(app), run);
}
