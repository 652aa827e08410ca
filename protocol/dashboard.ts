// The dashboard contract between server/ and the browser (app/, components/): REST payloads,
// the live WebSocket's messages and the string keys that name services and real servers in
// URLs and in keyed maps. Live views are keyed objects (not arrays) so that a JSON merge
// patch (protocol/merge-patch.ts) can express a change as a small delta.
import { ConnQueryResult } from "./conntable.ts";
import { ErrorBody } from "./errors.ts";
import { ipVersion } from "./ip.ts";
import {
  type DestinationKey,
  DestinationConfig,
  type Family,
  IpAddress,
  type ServiceKey,
  ServiceConfig,
} from "./ipvs.ts";
import { DrReadinessReport } from "./realserver.ts";
import { z } from "zod";

// ---- keys ---------------------------------------------------------------------------------

const hostPart = (address: string) => (ipVersion(address) === 6 ? `[${address}]` : address);

/** "tcp:172.16.0.100:80", "udp:[2001:db8::1]:53", "fwmark:ipv4:1" */
export function serviceKeyString(k: ServiceKey): string {
  return k.protocol === "fwmark"
    ? `fwmark:${k.family}:${k.fwmark}`
    : `${k.protocol}:${hostPart(k.address)}:${k.port}`;
}

/** "10.0.0.11:80", "[2001:db8::11]:80" */
export function destinationKeyString(k: DestinationKey): string {
  return `${hostPart(k.address)}:${k.port}`;
}

function splitHostPort(s: string): { address: string; port: number } | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(s);
  if (!m) return null;
  const address = (m[1] ?? m[2])!;
  const port = Number(m[3]);
  if (port > 65535 || ipVersion(address) === 0) return null;
  if (m[1] !== undefined && ipVersion(address) !== 6) return null;
  return { address, port };
}

/** Inverse of serviceKeyString; null for anything malformed. */
export function parseServiceKeyString(s: string): ServiceKey | null {
  const fw = /^fwmark:(ipv4|ipv6):(\d{1,10})$/.exec(s);
  if (fw) {
    const fwmark = Number(fw[2]);
    if (fwmark < 1 || fwmark > 0xffffffff) return null;
    return { protocol: "fwmark", family: fw[1] as Family, fwmark };
  }
  const m = /^(tcp|udp|sctp):(.+)$/.exec(s);
  if (!m) return null;
  const hp = splitHostPort(m[2]!);
  return hp ? { protocol: m[1] as "tcp" | "udp" | "sctp", ...hp } : null;
}

/** Inverse of destinationKeyString; null for anything malformed. */
export function parseDestinationKeyString(s: string): DestinationKey | null {
  return splitHostPort(s);
}

export const DirectorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
  message: "lowercase letters, digits and dashes, starting with a letter or digit",
});
export type DirectorId = z.infer<typeof DirectorId>;

/** A director's id from its name: "Director 1" -> "director-1". */
export function directorIdOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 63);
}

// ---- directors and the fleet ----------------------------------------------------------------

export const AgentRole = z.enum(["director", "realserver"]);

/** What registers a director (UI form or config file). The token never leaves the server. */
export const DirectorRegistration = z.object({
  name: z.string().trim().min(1).max(64),
  url: z
    .string()
    .url()
    .refine((u) => /^wss?:\/\//.test(u), { message: "agent URL must start with ws:// or wss://" }),
  token: z.string().min(1).max(512),
  /** HA pair or any grouping; "" = no group */
  group: z.string().trim().max(64).default(""),
  role: AgentRole.default("director"),
  /** realserver agents: the real-server addresses (RIPs) this host answers for, so the
   * dashboard can match a DR service's real servers to the agent that checks their ARP setup */
  addresses: z.array(IpAddress).max(16).default([]),
  /** pinned SHA-256 fingerprint of the agent's TLS certificate ("AB:CD:...") */
  fingerprint256: z.string().max(200).optional(),
});
export type DirectorRegistration = z.infer<typeof DirectorRegistration>;

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

export const SPARKLINE_POINTS = 60;
const SparklinePoints = z.record(z.string().regex(/^\d+$/), z.number());

/** A sparkline's values oldest first (keys are increasing event counters). */
export function sparklineValues(points: Record<string, number> | undefined): number[] {
  if (!points) return [];
  return Object.keys(points)
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => points[String(k)]!);
}

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
});
export type DirectorView = z.infer<typeof DirectorView>;

/** Topic "fleet": the overview page. */
export const FleetView = z.object({ directors: z.record(z.string(), DirectorView) });
export type FleetView = z.infer<typeof FleetView>;

// ---- services and drains ------------------------------------------------------------------

export const DrainTargetStatus = z.enum(["draining", "drained", "undrained", "removed", "failed"]);
export const DrainStatus = z.enum(["draining", "drained", "undrained", "removed", "failed"]);
export type DrainStatus = z.infer<typeof DrainStatus>;

export const DrainTarget = z.object({
  previousWeight: z.number().int(),
  activeConns: z.number(),
  inactiveConns: z.number(),
  status: DrainTargetStatus,
  error: z.string().nullable(),
});
export const DrainJob = z.object({
  id: z.string(),
  /** group-wide drains name the group; null for one director */
  group: z.string().nullable(),
  service: z.string(),
  destination: z.string(),
  targets: z.record(DirectorId, DrainTarget),
  status: DrainStatus,
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** seconds until active+inactive reach 0 at the recent rate; null while unknown */
  etaSeconds: z.number().nullable(),
  /** persistence templates keep clients on the server; see expire_quiescent_template */
  persistent: z.boolean(),
});
export type DrainJob = z.infer<typeof DrainJob>;

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

/** Topic "drains": every drain job that is running or finished in the last hour. */
export const DrainsView = z.object({ jobs: z.record(z.string(), DrainJob) });

export const DrainRequest = z.object({
  /** one director, or every director of `group` that has this service and real server */
  director: DirectorId.optional(),
  group: z.string().min(1).max(64).optional(),
  service: z.string().min(1).max(200),
  destination: z.string().min(1).max(200),
}).refine((r) => (r.director === undefined) !== (r.group === undefined), {
  message: "give exactly one of director or group",
});
export type DrainRequest = z.infer<typeof DrainRequest>;

// ---- history ----------------------------------------------------------------------------

export const HistoryRange = z.enum(["15m", "1h", "24h", "7d"]);
export type HistoryRange = z.infer<typeof HistoryRange>;

/** Column-wise series (uPlot's layout): time in seconds, one array per metric. */
export const SeriesColumns = z.object({
  cps: z.array(z.number().nullable()),
  inPps: z.array(z.number().nullable()),
  outPps: z.array(z.number().nullable()),
  inBps: z.array(z.number().nullable()),
  outBps: z.array(z.number().nullable()),
  activeConns: z.array(z.number().nullable()),
  inactiveConns: z.array(z.number().nullable()),
});
export type SeriesColumns = z.infer<typeof SeriesColumns>;
export const History = z.object({
  range: HistoryRange,
  /** seconds between points: 1 for 15m, 60 for the rollups */
  step: z.number(),
  time: z.array(z.number()),
  total: SeriesColumns,
  destinations: z.record(z.string(), SeriesColumns),
});
export type History = z.infer<typeof History>;

// ---- audit ----------------------------------------------------------------------------------

export const AuditEntry = z.object({
  id: z.number().int(),
  time: z.number(),
  user: z.string(),
  action: z.string(),
  director: z.string().nullable(),
  target: z.string().nullable(),
  request: z.unknown(),
  ok: z.boolean().nullable(),
  result: z.unknown(),
  /** rule-changing mutations: the affected state (service view, sysctl values, ipvsadm -S
   * text) before the action and after it; null when not applicable */
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** The result the server writes, when it starts, into an entry that an earlier run left
 * running (killed between writing the entry and completing it). Shaped like a failure's
 * `{error}` so every reader shows the reason; the change itself may still have been applied. */
export const AUDIT_INTERRUPTED_RESULT = {
  interrupted: true,
  error: { code: "unavailable", message: "interrupted: the server stopped before the change finished (check the director's table)" },
} as const satisfies { interrupted: true; error: ErrorBody };

export type AuditOutcome = "pending" | "ok" | "failed" | "interrupted";

export function auditOutcome(e: Pick<AuditEntry, "ok" | "result">): AuditOutcome {
  if (e.ok === null || e.ok === undefined) return "pending";
  if (e.ok) return "ok";
  const r = e.result as { interrupted?: unknown } | null | undefined;
  return r?.interrupted === true ? "interrupted" : "failed";
}

/** The error message of a failed (or interrupted) entry's `{error}` result, if it has one. */
export function auditErrorMessage(e: Pick<AuditEntry, "result">): string | null {
  const parsed = z.object({ error: ErrorBody }).safeParse(e.result);
  return parsed.success ? parsed.data.error.message : null;
}

// ---- the live WebSocket (/api/live) ---------------------------------------------------------

/** "fleet" | "drains" | "director:<id>" | "service:<id>:<serviceKey>" */
export const Topic = z.string().regex(/^(fleet|drains|director:[a-z0-9-]+|service:[a-z0-9-]+:.+)$/).max(300);

export const LiveClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), topic: Topic }),
  z.object({ type: z.literal("unsubscribe"), topic: Topic }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

export const LiveServerMessage = z.discriminatedUnion("type", [
  /** the whole view; the first message of a subscription */
  z.object({ type: z.literal("snapshot"), topic: z.string(), seq: z.number().int(), data: z.unknown() }),
  /** a JSON merge patch (RFC 7386) against the previous state of the topic */
  z.object({ type: z.literal("delta"), topic: z.string(), seq: z.number().int(), patch: z.unknown() }),
  z.object({ type: z.literal("error"), topic: z.string().nullable(), error: ErrorBody }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;

/** Topic "service:<id>:<key>": one service's live point per second for its charts. */
export const ServiceLiveView = z.object({
  time: z.number(),
  total: TrafficPoint,
  destinations: z.record(z.string(), TrafficPoint),
});
export type ServiceLiveView = z.infer<typeof ServiceLiveView>;

/** REST error body: `{ error: { code, message, details? } }` with httpStatusOf(code). */
export const ApiError = z.object({ error: ErrorBody });

// ---- REST shapes of the server (added with server/, see docs/server.md) -----------------------

/** A registration as the browser may see it: everything but the token. */
export const DirectorSettings = DirectorRegistration.omit({ token: true }).extend({ id: DirectorId });
export type DirectorSettings = z.infer<typeof DirectorSettings>;

/** The agent's certificate as the server sees it: the pin (set by the admin or on first use)
 * and, while the link is "untrusted", the different fingerprint the agent presents. */
export const DirectorTrust = z.object({
  pinned: z.string().nullable(),
  presented: z.string().nullable(),
});
export type DirectorTrust = z.infer<typeof DirectorTrust>;

/** GET/PATCH /api/directors/:id and POST /api/directors answer this. */
export const DirectorInfo = z.object({ director: DirectorView, settings: DirectorSettings, trust: DirectorTrust.optional() });
export type DirectorInfo = z.infer<typeof DirectorInfo>;

/** POST /api/directors: a registration whose token may be left out: the server then generates
 * one and returns it once, in DirectorCreated.issued. */
export const DirectorCreate = DirectorRegistration.extend({ token: DirectorRegistration.shape.token.optional() });
export type DirectorCreate = z.input<typeof DirectorCreate>;

/** A generated agent token, shown once: it is never readable again (GET returns no token). */
export const IssuedToken = z.object({ token: z.string(), installCommand: z.string() });
export type IssuedToken = z.infer<typeof IssuedToken>;

export const DirectorCreated = DirectorInfo.extend({ issued: IssuedToken.optional() });
export type DirectorCreated = z.infer<typeof DirectorCreated>;

/** POST /api/directors/:id/trust (admin): accept the certificate the agent now presents. The
 * fingerprint the admin saw is sent back so a certificate that changed again is not accepted. */
export const TrustAccept = z.object({ fingerprint256: z.string().min(1).max(200) }).strict();
export type TrustAccept = z.infer<typeof TrustAccept>;

/** PATCH /api/directors/:id: any registration field; absent fields keep their value (the id
 * never changes, even with a new name). */
export const DirectorPatch = z
  .object({
    name: DirectorRegistration.shape.name,
    url: DirectorRegistration.shape.url,
    token: DirectorRegistration.shape.token,
    group: z.string().trim().max(64),
    role: AgentRole,
    addresses: z.array(IpAddress).max(16),
    fingerprint256: z.string().max(200).nullable(),
  })
  .partial()
  .strict();
export type DirectorPatch = z.infer<typeof DirectorPatch>;

/** POST /api/directors/:id/rules/diff and .../rules/import: ipvsadm -S -n text. A merge
 * diff lists only creates and updates (what a merge import would do). */
export const RulesTextRequest = z.object({
  text: z.string().max(16 * 1024 * 1024),
  mode: z.enum(["replace", "merge"]).default("replace"),
  dryRun: z.boolean().default(false),
});
export type RulesTextRequest = z.infer<typeof RulesTextRequest>;

/** GET /api/directors/:id/conns streams NDJSON: progress lines, then one result or error. */
export const ConnsStreamLine = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), bytes: z.number().int(), entries: z.number().int(), done: z.boolean() }),
  z.object({ type: z.literal("result"), data: ConnQueryResult }),
  z.object({ type: z.literal("error"), error: ErrorBody }),
]);
export type ConnsStreamLine = z.infer<typeof ConnsStreamLine>;

/** One DR real server of a service and what its realserver agent reports for the VIP. */
export const ReadinessEntry = z.object({
  destination: z.string(),
  address: z.string(),
  /** id of the realserver agent registered with this address; null = "no agent" */
  agent: z.string().nullable(),
  status: z.enum(["ready", "not_ready", "no_agent", "error"]),
  report: DrReadinessReport.nullable(),
  error: z.string().nullable(),
});
export type ReadinessEntry = z.infer<typeof ReadinessEntry>;

/** GET /api/readiness?director=&service= */
export const ReadinessView = z.object({
  director: z.string(),
  service: z.string(),
  /** null for fwmark services (no single VIP to check) */
  vip: z.string().nullable(),
  realServers: z.array(ReadinessEntry),
});
export type ReadinessView = z.infer<typeof ReadinessView>;

/** POST /api/readiness/fix: bind the VIP on lo and set the ARP sysctls the report asks for. */
export const ReadinessFixRequest = z.object({ agent: DirectorId, vip: IpAddress });
export const ReadinessFixResult = z.object({
  /** ids of the checks a fix was applied for */
  applied: z.array(z.string()),
  /** the report after the fixes */
  report: DrReadinessReport,
});
export type ReadinessFixResult = z.infer<typeof ReadinessFixResult>;

/** GET /api/drains answers DrainsView; POST /api/drains and the undrain/remove routes a DrainJob. */
export type DrainsView = z.infer<typeof DrainsView>;

// ---- users, sessions (the session cookie is httpOnly; mutations send X-CSRF-Token) ---------

/** viewer: reads only; operator: changes the IPVS tables, sysctls, drains, imports;
 * admin: also users and directors (agent tokens). */
export const Role = z.enum(["viewer", "operator", "admin"]);
export type Role = z.infer<typeof Role>;

export const Username = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, "letters, digits and . _ @ - (starting with a letter or digit)");
/** Long passphrases welcome; the upper bound keeps hashing bounded. */
export const Password = z.string().min(10, "at least 10 characters").max(1024);

export const UserView = z.object({
  id: z.number().int(),
  username: z.string(),
  role: Role,
  createdAt: z.number(),
});
export type UserView = z.infer<typeof UserView>;

/** POST /api/auth/login */
export const LoginRequest = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
/** POST /api/auth/setup: the first admin, only while no user exists; `code` is the one-time
 * setup code the server prints at start. */
export const SetupRequest = z.object({ username: Username, password: Password, code: z.string().min(1).max(200) }).strict();

/** GET /api/auth/session (public): who is signed in; setupNeeded while no user exists. */
export const SessionView = z.object({
  user: UserView.nullable(),
  /** the token to send as X-CSRF-Token on every mutation (also in the lvs_csrf cookie) */
  csrfToken: z.string().nullable(),
  setupNeeded: z.boolean(),
  /** when the session ends at the latest (ms) */
  expiresAt: z.number().nullable(),
});
export type SessionView = z.infer<typeof SessionView>;

/** POST /api/users (admin) */
export const UserCreate = z.object({ username: Username, password: Password, role: Role }).strict();
/** PATCH /api/users/:id (admin): role and/or a new password (ends the user's sessions) */
export const UserPatch = z.object({ role: Role, password: Password }).partial().strict();
export type UserPatch = z.infer<typeof UserPatch>;

/** GET /api/audit/export?format= */
export const AuditExportFormat = z.enum(["csv", "json"]);
