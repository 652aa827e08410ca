// What each REST route of routes.ts takes and answers, as types only (the imports are erased,
// so the typed client stays zod-free): `body` is what the client sends (the schema's input,
// defaults optional), `query` its URL parameters, `reply` the parsed success body. The schemas
// that check them at run time are in route-schemas.ts, tied to these types by the compiler.
import type { z } from "zod";
import type { RequestType, ResultData } from "../agent/catalog.ts";
import type { RulesDiffResult, RulesImported } from "../agent/rules.ts";
import type { SysctlValues } from "../agent/host.ts";
import type { ConnsStreamLine, ReadinessFixResult, ReadinessView } from "./rest.ts";
import type { AuditEntry } from "./audit.ts";
import type { SessionView, UserView } from "./auth.ts";
import type { DirectorCreated, DirectorInfo, IssuedToken } from "./directors.ts";
import type { DrainJob, DrainsView } from "./drains.ts";
import type { FleetReadinessView } from "./fleet-readiness.ts";
import type { GroupDetailView, GroupDrift, GroupsView, MakeIdenticalResult } from "./ha.ts";
import type { DirectorHealthView } from "./health.ts";
import type { HealthConfig } from "../health.ts";
import type { History, HistorySourceView } from "./history.ts";
import type { SearchResults } from "./search.ts";
import type { ApiTokenCreated, ApiTokenView } from "./tokens.ts";
import type { DestinationView, DirectorDetailView, FleetView, ServiceView } from "./views.ts";
import type { BodyRoute, RouteBodies } from "./route-bodies.ts";
import type { RouteKey } from "./routes.ts";

/** What the client sends for route K: its body schema's input (route-bodies.ts). */
type BodyIn<K extends BodyRoute> = z.input<RouteBodies[K]>;
/** The version a change was made against (or If-Match); a group's change may name one per member. */
export interface Based {
  baseVersion?: string;
  baseVersions?: Record<string, string>;
}
export interface Ok {
  ok: true;
}
type Q = Record<string, string | number | undefined>;

/** GET /api/directors/:id/ipvsadm/:request: the agent's answer as it is, with the table version. */
export interface IpvsadmRead {
  director: string;
  version: string;
  data: ResultData<RequestType>;
}
/** A rules diff: the changes an import would make (warnings for a keepalived.conf). */
export type RulesDiffView = z.output<typeof RulesDiffResult> & Pick<z.output<typeof RulesImported>, "warnings">;
export type RulesImportView = z.output<typeof RulesImported> & { members?: string[] };

export interface RouteTypes {
  "GET /api/auth/session": { reply: z.output<typeof SessionView> };
  "POST /api/auth/login": { body: BodyIn<"POST /api/auth/login">; reply: z.output<typeof SessionView> };
  "POST /api/auth/logout": { reply: Ok };
  "POST /api/auth/setup": { body: BodyIn<"POST /api/auth/setup">; reply: z.output<typeof SessionView> };
  "POST /api/auth/password": { body: BodyIn<"POST /api/auth/password">; reply: Ok };
  "GET /api/auth/tokens": { reply: z.output<typeof ApiTokenView>[] };
  "POST /api/auth/tokens": { body: BodyIn<"POST /api/auth/tokens">; reply: z.output<typeof ApiTokenCreated> };
  "DELETE /api/auth/tokens/:id": { reply: z.output<typeof ApiTokenView> };

  "GET /api/users": { reply: z.output<typeof UserView>[] };
  "POST /api/users": { body: BodyIn<"POST /api/users">; reply: z.output<typeof UserView> };
  "PATCH /api/users/:id": { body: BodyIn<"PATCH /api/users/:id">; reply: z.output<typeof UserView> };
  "DELETE /api/users/:id": { reply: Ok };

  "GET /api/directors": { reply: FleetView };
  "POST /api/directors": { body: BodyIn<"POST /api/directors">; reply: z.output<typeof DirectorCreated> };
  "GET /api/directors/:id": { reply: z.output<typeof DirectorInfo> };
  "PATCH /api/directors/:id": { body: BodyIn<"PATCH /api/directors/:id">; reply: z.output<typeof DirectorInfo> };
  "DELETE /api/directors/:id": { reply: Ok };
  "POST /api/directors/:id/trust": { body: BodyIn<"POST /api/directors/:id/trust">; reply: z.output<typeof DirectorInfo> };
  "POST /api/directors/:id/token": { reply: z.output<typeof IssuedToken> };
  "GET /api/directors/:id/services": { reply: DirectorDetailView };
  "POST /api/directors/:id/services": { body: BodyIn<"POST /api/directors/:id/services"> & Based; reply: ServiceView };
  "PATCH /api/directors/:id/services/:service": { body: BodyIn<"PATCH /api/directors/:id/services/:service"> & Based; reply: ServiceView };
  "DELETE /api/directors/:id/services/:service": { body?: Based; reply: Ok };
  "POST /api/directors/:id/services/:service/destinations": { body: BodyIn<"POST /api/directors/:id/services/:service/destinations"> & Based; reply: DestinationView };
  "PATCH /api/directors/:id/services/:service/destinations/:dest": { body: BodyIn<"PATCH /api/directors/:id/services/:service/destinations/:dest"> & Based; reply: DestinationView };
  "DELETE /api/directors/:id/services/:service/destinations/:dest": { body?: Based; reply: Ok };

  "GET /api/directors/:id/rules": { query?: { format?: "ipvsadm" | "keepalived" }; reply: string };
  "POST /api/directors/:id/rules/diff": { body: BodyIn<"POST /api/directors/:id/rules/diff">; reply: RulesDiffView };
  "POST /api/directors/:id/rules/import": { body: BodyIn<"POST /api/directors/:id/rules/import"> & Based; reply: RulesImportView };
  "GET /api/directors/:id/history": { query: { service: string; range?: string }; reply: z.output<typeof History> };
  "GET /api/history/source": { reply: z.output<typeof HistorySourceView> };
  "GET /api/directors/:id/conns": { query?: Q; reply: z.output<typeof ConnsStreamLine> };
  "GET /api/directors/:id/sysctls": { query?: { names?: string }; reply: z.output<typeof SysctlValues> };
  "PUT /api/directors/:id/sysctls": { body: BodyIn<"PUT /api/directors/:id/sysctls">; reply: ResultData<"sysctl.set"> };
  "GET /api/directors/:id/health": { reply: z.output<typeof DirectorHealthView> };
  "GET /api/directors/:id/health/config": { reply: z.output<typeof HealthConfig> };
  "PUT /api/directors/:id/health/services/:service": { body: BodyIn<"PUT /api/directors/:id/health/services/:service">; reply: z.output<typeof DirectorHealthView> };
  "DELETE /api/directors/:id/health/services/:service": { reply: z.output<typeof DirectorHealthView> };
  "PUT /api/directors/:id/health/services/:service/destinations/:dest": {
    body: BodyIn<"PUT /api/directors/:id/health/services/:service/destinations/:dest">;
    reply: z.output<typeof DirectorHealthView>;
  };
  "DELETE /api/directors/:id/health/services/:service/destinations/:dest": { reply: z.output<typeof DirectorHealthView> };
  "GET /api/directors/:id/ipvsadm/:request": { query?: { payload?: string }; reply: IpvsadmRead };
  "POST /api/directors/:id/ipvsadm/:request": { body: Record<string, unknown> & Based; reply: { ok: true; director: string; version: string } };
  "GET /api/readiness": { query: { director: string; service: string }; reply: z.output<typeof ReadinessView> };
  "GET /api/readiness/fleet": { reply: z.output<typeof FleetReadinessView> };
  "POST /api/readiness/fix": { body: BodyIn<"POST /api/readiness/fix">; reply: z.output<typeof ReadinessFixResult> };
  "GET /api/search": { query: { q: string }; reply: z.output<typeof SearchResults> };

  "GET /api/groups": { reply: z.output<typeof GroupsView> };
  "GET /api/groups/:group": { reply: z.output<typeof GroupDetailView> };
  "GET /api/groups/:group/drift": { reply: z.output<typeof GroupDrift> };
  "POST /api/groups/:group/identical": { body: BodyIn<"POST /api/groups/:group/identical"> & Based; reply: z.output<typeof MakeIdenticalResult> };
  "POST /api/groups/:group/adopt": { body: BodyIn<"POST /api/groups/:group/adopt">; reply: z.output<typeof GroupDetailView> };
  "POST /api/groups/:group/rules/import": { body: BodyIn<"POST /api/groups/:group/rules/import"> & Based; reply: RulesImportView };
  "POST /api/groups/:group/ipvsadm/:request": { body: Record<string, unknown> & Based; reply: { ok: true; group: string; members: string[] } };
  "POST /api/groups/:group/services": { body: BodyIn<"POST /api/groups/:group/services"> & Based; reply: z.output<typeof GroupDetailView> };
  "PATCH /api/groups/:group/services/:service": { body: BodyIn<"PATCH /api/groups/:group/services/:service"> & Based; reply: z.output<typeof GroupDetailView> };
  "DELETE /api/groups/:group/services/:service": { body?: Based; reply: z.output<typeof GroupDetailView> };
  "POST /api/groups/:group/services/:service/destinations": { body: BodyIn<"POST /api/groups/:group/services/:service/destinations"> & Based; reply: z.output<typeof GroupDetailView> };
  "PATCH /api/groups/:group/services/:service/destinations/:dest": {
    body: BodyIn<"PATCH /api/groups/:group/services/:service/destinations/:dest"> & Based;
    reply: z.output<typeof GroupDetailView>;
  };
  "DELETE /api/groups/:group/services/:service/destinations/:dest": { body?: Based; reply: z.output<typeof GroupDetailView> };

  "GET /api/drains": { reply: z.output<typeof DrainsView> };
  "POST /api/drains": { body: BodyIn<"POST /api/drains"> & Based; reply: z.output<typeof DrainJob> };
  "GET /api/drains/:job": { reply: z.output<typeof DrainJob> };
  "POST /api/drains/:job/undrain": { body?: Based; reply: z.output<typeof DrainJob> };
  "POST /api/drains/:job/remove": { body?: Based; reply: z.output<typeof DrainJob> };

  "GET /api/audit": { query?: Q; reply: z.output<typeof AuditEntry>[] };
  "GET /api/audit/export": { query?: Q; reply: never };
}

/** The routes whose answer is not one JSON body (ROUTES' `reply`: text, ndjson, download). */
export type NonJsonRoute = "GET /api/directors/:id/rules" | "GET /api/directors/:id/conns" | "GET /api/audit/export";

/** Every route has its types, and nothing else does. */
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const ROUTE_TYPES_COVER_ROUTES: Exactly<keyof RouteTypes, RouteKey> = true;

/** The body a route takes (undefined among its types when it is optional; undefined alone: none). */
export type RouteBody<K extends RouteKey> = "body" extends keyof RouteTypes[K] ? RouteTypes[K][Extract<"body", keyof RouteTypes[K]>] : undefined;
export type RouteQuery<K extends RouteKey> = "query" extends keyof RouteTypes[K] ? RouteTypes[K][Extract<"query", keyof RouteTypes[K]>] : undefined;
export type RouteReply<K extends RouteKey> = RouteTypes[K]["reply"];
