// Dashboard views of directors: the fleet overview (topic "fleet"), one director's page with
// its services and real servers (topic "director:<id>"), the traffic numbers and sparklines
// they carry, and the versions of a director's table used for optimistic concurrency.
// Views are keyed objects (not arrays) so a JSON merge patch can express a change as a delta.
import { DestinationConfig, ServiceConfig } from "../ipvs.ts";
import { DirectorHaView } from "./ha.ts";
import { DirectorId } from "./keys.ts";
import { z } from "zod";
import { AGENT_ROLES } from "./values.ts";
export { AGENT_ROLES, SPARKLINE_POINTS, sparklineValues } from "./values.ts";

export const AgentRole = z.enum(AGENT_ROLES);

/** "untrusted": the agent's TLS certificate is not the pinned one; no token is sent to it
 * until an admin accepts the presented fingerprint */
export const LinkState = z.enum(["connecting", "online", "offline", "unauthorized", "untrusted"]);
export type LinkState = z.infer<typeof LinkState>;

/** Live traffic numbers summed over a director, a service or one real server. */
export const TrafficPoint = z.object({
  cps: z.number(),
  inPps: z.number(),
  outPps: z.number(),
  inBps: z.number(),
  outBps: z.number(),
  activeConns: z.number(),
  inactiveConns: z.number(),
});
export type TrafficPoint = z.infer<typeof TrafficPoint>;

const SparklinePoints = z.record(z.string().regex(/^\d+$/), z.number());


export const DirectorView = z.object({
  id: DirectorId,
  name: z.string(),
  url: z.string(),
  group: z.string(),
  role: AgentRole,
  link: LinkState,
  /** why the link is not online, for the operator */
  linkError: z.string().nullable(),
  /** ms since the epoch of the last link state change */
  since: z.number(),
  ipvsVersion: z.string().nullable(),
  connTableSize: z.number().nullable(),
  serviceCount: z.number(),
  destinationCount: z.number(),
  traffic: TrafficPoint,
  /** the last SPARKLINE_POINTS stats events, keyed by a counter (not arrays: each event's
   * merge patch then adds one key and drops one); sparklineValues() orders them */
  sparklines: z.object({ cps: SparklinePoints, bps: SparklinePoints, activeConns: SparklinePoints }),
  /** VRRP state, VIPs held and keepalived's health (protocol/dashboard/ha.ts); null for realserver
   * agents. A merge patch drops a null: read it with `?? null`. */
  ha: DirectorHaView.nullable(),
});
export type DirectorView = z.infer<typeof DirectorView>;

/** Topic "fleet": the overview page. */
export const FleetView = z.object({ directors: z.record(z.string(), DirectorView) });
export type FleetView = z.infer<typeof FleetView>;

// ---- services and real servers of one director -------------------------------------------

export const DestinationView = z.object({
  key: z.string(),
  address: z.string(),
  port: z.number(),
  config: DestinationConfig,
  persistConns: z.number(),
  traffic: TrafficPoint,
  /** id of the drain job touching this real server, if any */
  drainJob: z.string().nullable(),
});
export type DestinationView = z.infer<typeof DestinationView>;

export const ServiceView = z.object({
  key: z.string(),
  config: ServiceConfig,
  traffic: TrafficPoint,
  destinations: z.record(z.string(), DestinationView),
});
export type ServiceView = z.infer<typeof ServiceView>;

/** Topic "director:<id>": one director's page. */
export const DirectorDetailView = z.object({
  director: DirectorView,
  /** the version of this table (see TableVersion) */
  version: z.string(),
  services: z.record(z.string(), ServiceView),
});
export type DirectorDetailView = z.infer<typeof DirectorDetailView>;

// ---- versions of a director's table (optimistic concurrency) -------------------------------

/** Changes whenever the server sees the director's table change (a mutation through the
 * server, or a difference found in a re-list): a digest of every service and real server key
 * and configuration, weights included, so it is the same for the same table (also across
 * server restarts). Mutations may carry the version they were based on: the header
 * `If-Match: "<version>"` or the body field `baseVersion`; a stale one answers 409 `conflict`
 * with VersionConflictDetails. */
export const TableVersion = z.string().min(1).max(100);
/** Group-wide drains and their undrain/remove: one base version per director. */
export const BaseVersions = z.record(DirectorId, TableVersion);
export const VersionConflictDetails = z.object({
  /** the director whose table changed */
  director: z.string(),
  /** what the request was based on, and the current version */
  baseVersion: z.string(),
  version: z.string(),
  /** the director's current table: what the edit must be redone against */
  state: DirectorDetailView,
});
export type VersionConflictDetails = z.infer<typeof VersionConflictDetails>;
