// Dashboard views of health checks (the agent's health.subscribe, protocol/health.ts): each
// director's real servers with their state, last result, latency and transitions, and the
// REST bodies that change a service's or a real server's checks. Keyed objects, not arrays,
// wherever a live merge patch should stay small (the "health:<id>" topic pushes changes).
// Field names and meanings are the agent's (keepalived's), so the editor validates with the
// very schemas the agent applies.
import { DirectorId } from "./keys.ts";
import { CheckResult, Checker, HealthConfig, HealthTransition, RealServerHealth, RsHealthState, ServiceHealth } from "../health.ts";
import { z } from "zod";

/**
 * What the server knows of a director's health checks:
 * - "pending": linked, the first health.subscribe answer has not arrived yet
 * - "none": the agent answers `unsupported` (no health checks on that agent)
 * - "active": statuses below are current
 * - "error": health.subscribe failed for another reason (`error` says why)
 * - "offline": the link is down; the last known states are shown, not current
 */
export const HealthLinkStatus = z.enum(["pending", "none", "active", "error", "offline"]);
export type HealthLinkStatus = z.infer<typeof HealthLinkStatus>;

/** One checked real server: the agent's RsHealthStatus with the dashboard's key strings. */
export const RsHealthView = z.object({
  /** destinationKeyString */
  key: z.string(),
  address: z.string(),
  port: z.number().int(),
  state: RsHealthState,
  configuredWeight: z.number().int(),
  /** in the kernel's table (removed by health when down, unless inhibit_on_failure) */
  inPool: z.boolean(),
  lastResult: CheckResult.nullable(),
  consecutiveFailures: z.number().int(),
  /** oldest first (the agent keeps 20) */
  transitions: z.array(HealthTransition),
  /** the checkers' kinds, from the configuration (empty: no checker, always up) */
  checkers: z.array(z.string()),
});
export type RsHealthView = z.infer<typeof RsHealthView>;

export const ServiceHealthView = z.object({
  /** serviceKeyString */
  key: z.string(),
  quorumUp: z.boolean(),
  liveWeight: z.number().int(),
  sorryServerActive: z.boolean(),
  /** keyed by destinationKeyString */
  realServers: z.record(z.string(), RsHealthView),
});
export type ServiceHealthView = z.infer<typeof ServiceHealthView>;

/** GET /api/directors/:id/health and the "health:<id>" live topic. */
export const DirectorHealthView = z.object({
  director: DirectorId,
  status: HealthLinkStatus,
  error: z.string().nullable(),
  scriptChecksAllowed: z.boolean(),
  /** the agent's time of this status (ms); null while pending */
  time: z.number().nullable(),
  /** keyed by serviceKeyString; only services with health configuration */
  services: z.record(z.string(), ServiceHealthView),
});
export type DirectorHealthView = z.infer<typeof DirectorHealthView>;

/** The "health:<id>:<serviceKey>" topic: check latencies of a service's real servers, keyed by
 * destinationKeyString then by the check's time in whole seconds (ms values). */
export const HealthLatencyView = z.object({
  time: z.number().int(),
  latency: z.record(z.string(), z.record(z.string(), z.number())),
});
export type HealthLatencyView = z.infer<typeof HealthLatencyView>;

/** GET /api/directors/:id/health/config: the agent's configuration (health.get includeConfig). */
export const HealthConfigView = HealthConfig;

/**
 * PUT /api/directors/:id/health/services/:service: the service's defaults and pool settings
 * (everything of ServiceHealth but its key and its real servers, which stay as they are).
 */
export const ServiceHealthSettings = ServiceHealth.omit({ key: true, realServers: true }).strict();
export type ServiceHealthSettings = z.infer<typeof ServiceHealthSettings>;
export type ServiceHealthSettingsInput = z.input<typeof ServiceHealthSettings>;

/**
 * PUT /api/directors/:id/health/services/:service/destinations/:dest: the real server's checks
 * and timing. Its `config` (the weight health restores) is the real server's current one in
 * the table, or the one health already keeps for it when it is held out.
 */
export const RealServerHealthSettings = RealServerHealth.omit({ key: true, config: true }).strict();
export type RealServerHealthSettings = z.infer<typeof RealServerHealthSettings>;
export type RealServerHealthSettingsInput = z.input<typeof RealServerHealthSettings>;

export { Checker };
