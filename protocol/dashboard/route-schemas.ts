// The reply schema of every JSON route of the REST contract (routes.ts), each tied by the
// compiler to the reply type route-types.ts gives it. The browser's typed client parses every
// answer with them (loaded as a lazy chunk: zod stays out of the page's first JavaScript) and
// the server's router holds its own answers to them in the tests (server/http/reply-check.ts).
// Routes that answer text, a stream or a download have none.
import { z } from "zod";
import { RulesDiffResult, RulesImported } from "../agent/rules.ts";
import { SysctlSetResult, SysctlValues } from "../agent/host.ts";
import { HealthConfig } from "../health.ts";
import { AuditEntry } from "./audit.ts";
import { SessionView, UserView } from "./auth.ts";
import { DirectorCreated, DirectorInfo, IssuedToken } from "./directors.ts";
import { DrainJob, DrainsView } from "./drains.ts";
import { FleetReadinessView } from "./fleet-readiness.ts";
import { GroupDetailView, GroupDrift, GroupsView, MakeIdenticalResult } from "./ha.ts";
import { DirectorHealthView } from "./health.ts";
import { History, HistorySourceView } from "./history.ts";
import { ReadinessFixResult, ReadinessView } from "./rest.ts";
import type { NonJsonRoute, RouteReply } from "./route-types.ts";
import type { RouteKey } from "./routes.ts";
import { SearchResults } from "./search.ts";
import { ApiTokenCreated, ApiTokenView } from "./tokens.ts";
import { DestinationView, DirectorDetailView, FleetView, ServiceView } from "./views.ts";

const Ok = z.object({ ok: z.literal(true) });
const Warnings = RulesImported.shape.warnings;
const ImportView = RulesImported.extend({ members: z.array(z.string()).optional() });

type JsonRoute = Exclude<RouteKey, NonJsonRoute>;
type ReplySchemas = { [K in JsonRoute]: z.ZodType<RouteReply<K>, unknown> };

const REPLIES = {
  "GET /api/auth/session": SessionView,
  "POST /api/auth/login": SessionView,
  "POST /api/auth/logout": Ok,
  "POST /api/auth/setup": SessionView,
  "POST /api/auth/password": Ok,
  "GET /api/auth/tokens": z.array(ApiTokenView),
  "POST /api/auth/tokens": ApiTokenCreated,
  "DELETE /api/auth/tokens/:id": ApiTokenView,

  "GET /api/users": z.array(UserView),
  "POST /api/users": UserView,
  "PATCH /api/users/:id": UserView,
  "DELETE /api/users/:id": Ok,

  "GET /api/directors": FleetView,
  "POST /api/directors": DirectorCreated,
  "GET /api/directors/:id": DirectorInfo,
  "PATCH /api/directors/:id": DirectorInfo,
  "DELETE /api/directors/:id": Ok,
  "POST /api/directors/:id/trust": DirectorInfo,
  "POST /api/directors/:id/token": IssuedToken,
  "GET /api/directors/:id/services": DirectorDetailView,
  "POST /api/directors/:id/services": ServiceView,
  "PATCH /api/directors/:id/services/:service": ServiceView,
  "DELETE /api/directors/:id/services/:service": Ok,
  "POST /api/directors/:id/services/:service/destinations": DestinationView,
  "PATCH /api/directors/:id/services/:service/destinations/:dest": DestinationView,
  "DELETE /api/directors/:id/services/:service/destinations/:dest": Ok,

  "POST /api/directors/:id/rules/diff": RulesDiffResult.extend({ warnings: Warnings }),
  "POST /api/directors/:id/rules/import": ImportView,
  "GET /api/directors/:id/history": History,
  "GET /api/history/source": HistorySourceView,
  "GET /api/directors/:id/sysctls": SysctlValues,
  "PUT /api/directors/:id/sysctls": SysctlSetResult,
  "GET /api/directors/:id/health": DirectorHealthView,
  "GET /api/directors/:id/health/config": HealthConfig,
  "PUT /api/directors/:id/health/services/:service": DirectorHealthView,
  "DELETE /api/directors/:id/health/services/:service": DirectorHealthView,
  "PUT /api/directors/:id/health/services/:service/destinations/:dest": DirectorHealthView,
  "DELETE /api/directors/:id/health/services/:service/destinations/:dest": DirectorHealthView,
  // the agent's answer as it is: the server's agent client parsed it with the agent catalog
  "GET /api/directors/:id/ipvsadm/:request": z.object({ director: z.string(), version: z.string(), data: z.unknown() }) as z.ZodType<RouteReply<"GET /api/directors/:id/ipvsadm/:request">, unknown>,
  "POST /api/directors/:id/ipvsadm/:request": z.object({ ok: z.literal(true), director: z.string(), version: z.string() }),
  "GET /api/readiness": ReadinessView,
  "GET /api/readiness/fleet": FleetReadinessView,
  "POST /api/readiness/fix": ReadinessFixResult,
  "GET /api/search": SearchResults,

  "GET /api/groups": GroupsView,
  "GET /api/groups/:group": GroupDetailView,
  "GET /api/groups/:group/drift": GroupDrift,
  "POST /api/groups/:group/identical": MakeIdenticalResult,
  "POST /api/groups/:group/adopt": GroupDetailView,
  "POST /api/groups/:group/rules/import": ImportView,
  "POST /api/groups/:group/ipvsadm/:request": z.object({ ok: z.literal(true), group: z.string(), members: z.array(z.string()) }),
  "POST /api/groups/:group/services": GroupDetailView,
  "PATCH /api/groups/:group/services/:service": GroupDetailView,
  "DELETE /api/groups/:group/services/:service": GroupDetailView,
  "POST /api/groups/:group/services/:service/destinations": GroupDetailView,
  "PATCH /api/groups/:group/services/:service/destinations/:dest": GroupDetailView,
  "DELETE /api/groups/:group/services/:service/destinations/:dest": GroupDetailView,

  "GET /api/drains": DrainsView,
  "POST /api/drains": DrainJob,
  "GET /api/drains/:job": DrainJob,
  "POST /api/drains/:job/undrain": DrainJob,
  "POST /api/drains/:job/remove": DrainJob,

  "GET /api/audit": z.array(AuditEntry),
} satisfies ReplySchemas;

/** The schema a route's JSON reply must match, or null (text, stream, download). */
export function replySchemaOf(key: RouteKey): z.ZodType | null {
  return (REPLIES as Partial<Record<RouteKey, z.ZodType>>)[key] ?? null;
}
