// The body schema of every REST route that takes one (routes.ts keys): the server's handlers
// parse with exactly these (server/http/*: bodySchemaOf(key)) and the typed client's body
// types are their inputs (route-types.ts), so what the page may send and what the server
// accepts are one definition. `baseVersion` / `baseVersions` are read apart from the body
// (server/versions/request.ts). The ipvsadm routes' bodies are the agent catalog's input of
// the request they name (CATALOG[type].input), chosen by the path.
import { DestinationConfigPatch, ServiceConfigPatch } from "../agent/ipvs.ts";
import { SysctlSet } from "../agent/host.ts";
import { Destination, Service } from "../ipvs.ts";
import { AdoptRequest, MakeIdenticalRequest } from "./ha.ts";
import { ApiTokenCreate } from "./tokens.ts";
import { DirectorCreate, DirectorPatch, TrustAccept } from "./directors.ts";
import { DrainRequest } from "./drains.ts";
import { LoginRequest, PasswordChange, SetupRequest, UserCreate, UserPatch } from "./auth.ts";
import { RealServerHealthSettings, ServiceHealthSettings } from "./health.ts";
import { ReadinessFixRequest, RulesTextRequest } from "./rest.ts";
import type { RouteKey } from "./routes.ts";
import type { z } from "zod";

// a patch names only what changes: an unknown field is refused, not dropped
const SERVICE_PATCH = ServiceConfigPatch.strict();
const DEST_PATCH = DestinationConfigPatch.strict();

const BODIES = {
  "POST /api/auth/login": LoginRequest,
  "POST /api/auth/setup": SetupRequest,
  "POST /api/auth/password": PasswordChange,
  "POST /api/auth/tokens": ApiTokenCreate,
  "POST /api/users": UserCreate,
  "PATCH /api/users/:id": UserPatch,
  "POST /api/directors": DirectorCreate,
  "PATCH /api/directors/:id": DirectorPatch,
  "POST /api/directors/:id/trust": TrustAccept,
  "POST /api/directors/:id/services": Service,
  "PATCH /api/directors/:id/services/:service": SERVICE_PATCH,
  "POST /api/directors/:id/services/:service/destinations": Destination,
  "PATCH /api/directors/:id/services/:service/destinations/:dest": DEST_PATCH,
  "POST /api/directors/:id/rules/diff": RulesTextRequest,
  "POST /api/directors/:id/rules/import": RulesTextRequest,
  "PUT /api/directors/:id/sysctls": SysctlSet,
  "PUT /api/directors/:id/health/services/:service": ServiceHealthSettings,
  "PUT /api/directors/:id/health/services/:service/destinations/:dest": RealServerHealthSettings,
  "POST /api/readiness/fix": ReadinessFixRequest,
  "POST /api/groups/:group/identical": MakeIdenticalRequest,
  "POST /api/groups/:group/adopt": AdoptRequest,
  "POST /api/groups/:group/rules/import": RulesTextRequest,
  "POST /api/groups/:group/services": Service,
  "PATCH /api/groups/:group/services/:service": SERVICE_PATCH,
  "POST /api/groups/:group/services/:service/destinations": Destination,
  "PATCH /api/groups/:group/services/:service/destinations/:dest": DEST_PATCH,
  "POST /api/drains": DrainRequest,
} satisfies Partial<Record<RouteKey, z.ZodType>>;

export type RouteBodies = typeof BODIES;
export type BodyRoute = keyof RouteBodies;
export const BODY_ROUTES = Object.keys(BODIES) as BodyRoute[];

/** The schema the server parses route K's body with. */
export function bodySchemaOf<K extends BodyRoute>(key: K): RouteBodies[K] {
  return BODIES[key];
}
