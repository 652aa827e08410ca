// Health checks of real servers, with keepalived's checkers and their parameters (field names
// are keepalived.conf's keywords in camelCase; times in seconds as keepalived reads them).
// The agent runs the checks and drives the IPVS table from their results; this file is the
// configuration it accepts (health.configure, the checks file) and the live status it reports.
import { DestinationConfig, DestinationKey, IpAddress, Port, ServiceKey } from "./ipvs.ts";
import { z } from "zod";

const Seconds = z.number().min(0).max(86400);

/** Timing shared by every checker; absent = inherited from the real server, then the service. */
export const CheckTiming = z.object({
  /** seconds between checks (keepalived's default 60) */
  delayLoop: z.number().min(0.01).max(86400).optional(),
  /** failures retried before the checker goes down (keepalived's nb_get_retry is the old name) */
  retry: z.number().int().min(0).max(1000).optional(),
  /** seconds between those retries */
  delayBeforeRetry: Seconds.optional(),
  /** the first check runs after a random delay in [0, warmup] s (default delay_loop) */
  warmup: Seconds.optional(),
  /** start as down: the real server joins the pool only after a first success */
  alpha: z.boolean().optional(),
  /** seconds a connect (and the whole check) may take (keepalived's default 5) */
  connectTimeout: z.number().min(0.01).max(3600).optional(),
});
export type CheckTiming = z.infer<typeof CheckTiming>;

/** Where a network checker connects: default the real server's address and port. */
const ConnectOptions = z.object({
  /** a DR real server is checked on its own address, not the VIP: that is the default */
  connectIp: IpAddress.optional(),
  connectPort: Port.min(1).optional(),
  /** source address of the check's socket */
  bindto: IpAddress.optional(),
});

/** keepalived's status_code: codes and ranges ("200-299"); default 200-299. */
export const StatusRange = z
  .object({ from: z.number().int().min(100).max(599), to: z.number().int().min(100).max(599) })
  .refine((r) => r.from <= r.to, { message: "a status range goes from low to high" });
export type StatusRange = z.infer<typeof StatusRange>;

export const HttpUrl = z.object({
  path: z.string().min(1).max(1024).regex(/^\/[\x21-\x7e]*$/, { message: "a path starting with / (no spaces)" }),
  statusCode: z.array(StatusRange).max(32).optional(),
  /** md5 of the body, hex (keepalived's genhash prints it) */
  digest: z.string().regex(/^[0-9a-f]{32}$/, { message: "an md5 digest in 32 lower-case hex digits" }).optional(),
  /** Host header for this url (overrides the checker's) */
  virtualhost: z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/).optional(),
  /** a JavaScript regular expression the body must match (keepalived uses PCRE2) */
  regex: z
    .string()
    .min(1)
    .max(1024)
    .refine((s) => { try { new RegExp(s); return true; } catch { return false; } }, { message: "not a valid regular expression" })
    .optional(),
});
export type HttpUrl = z.infer<typeof HttpUrl>;

export const DNS_TYPES = ["A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"] as const;
const Timed = CheckTiming.merge(ConnectOptions);

export const TcpCheck = Timed.extend({ kind: z.literal("TCP_CHECK") });
export const HttpCheck = Timed.extend({
  /** SSL_GET is HTTP_GET over TLS, without certificate verification (as keepalived) */
  kind: z.enum(["HTTP_GET", "SSL_GET"]),
  urls: z.array(HttpUrl).min(1).max(16),
  virtualhost: HttpUrl.shape.virtualhost,
});
export const DnsCheck = Timed.extend({
  kind: z.literal("DNS_CHECK"),
  /** keepalived's default SOA */
  type: z.enum(DNS_TYPES).default("SOA"),
  /** the query name; keepalived's default is the root "." */
  name: z.string().max(253).regex(/^([A-Za-z0-9_-]{1,63}\.?)*$|^\.$/, { message: "a DNS name" }).default("."),
});
export const MiscCheck = CheckTiming.omit({ connectTimeout: true }).extend({
  kind: z.literal("MISC_CHECK"),
  /** the command and its arguments, run without a shell; exit 0 = up */
  miscPath: z.array(z.string().min(1).max(4096).regex(/^[^\0]*$/)).min(1).max(64)
    // zod still runs a refine after min(1) failed: an empty array must not throw here
    .refine((a) => a.length === 0 || a[0]!.startsWith("/"), { message: "the command is an absolute path" }),
  /** seconds before the script is killed and counted as failed (default delay_loop) */
  miscTimeout: z.number().int().min(1).max(3600).optional(),
  /** run as this user (keepalived's default is keepalived_script; ours is nobody, never root) */
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/).default("nobody"),
});
export const Checker = z.discriminatedUnion("kind", [TcpCheck, HttpCheck, DnsCheck, MiscCheck]);
export type Checker = z.infer<typeof Checker>;
export type CheckerKind = Checker["kind"];

export const RealServerHealth = CheckTiming.extend({
  key: DestinationKey,
  /** what the real server is when in the pool (its weight is the one health restores) */
  config: DestinationConfig,
  /** weight 0 instead of removal when down */
  inhibitOnFailure: z.boolean().optional(),
  /** no checker = always up (keepalived's behaviour) */
  checkers: z.array(Checker).max(8).default([]),
});
export type RealServerHealth = z.infer<typeof RealServerHealth>;

export const SorryServer = z.object({
  key: DestinationKey,
  forwarding: DestinationConfig.shape.forwarding.default("masq"),
  /** sorry_server_inhibit: kept at weight 0 instead of removed when not needed */
  inhibit: z.boolean().default(false),
});

export const ServiceHealth = CheckTiming.extend({
  key: ServiceKey,
  inhibitOnFailure: z.boolean().optional(),
  /** minimum sum of live weights for the pool to be up (keepalived's default 1) */
  quorum: z.number().int().min(1).max(2147483647).default(1),
  hysteresis: z.number().int().min(0).max(2147483647).default(0),
  sorryServer: SorryServer.nullable().default(null),
  realServers: z.array(RealServerHealth).max(1024),
});
export type ServiceHealth = z.infer<typeof ServiceHealth>;
export type ServiceHealthInput = z.input<typeof ServiceHealth>;

export const HealthConfig = z.object({ services: z.array(ServiceHealth).max(10000) });
export type HealthConfig = z.infer<typeof HealthConfig>;
export type HealthConfigInput = z.input<typeof HealthConfig>;

/** keepalived's defaults, where a value is absent at every level. */
export const HEALTH_DEFAULTS = { delayLoop: 60, connectTimeout: 5, alpha: false, inhibitOnFailure: false } as const;

// --- live status ---

export const RsHealthState = z.enum(["up", "down", "unknown", "disabled"]);
export type RsHealthState = z.infer<typeof RsHealthState>;

export const CheckResult = z.object({
  ok: z.boolean(),
  /** "connect refused", "HTTP 503", "timeout after 2 s", "ok" */
  reason: z.string(),
  latencyMs: z.number(),
  at: z.number(),
});
export type CheckResult = z.infer<typeof CheckResult>;

export const HealthTransition = z.object({
  from: RsHealthState,
  to: RsHealthState,
  reason: z.string(),
  at: z.number(),
});
export type HealthTransition = z.infer<typeof HealthTransition>;

export const RsHealthStatus = z.object({
  service: ServiceKey,
  key: DestinationKey,
  state: RsHealthState,
  /** the weight health puts back on recovery (the operator's latest) */
  configuredWeight: z.number().int(),
  inPool: z.boolean(),
  lastResult: CheckResult.nullable(),
  consecutiveFailures: z.number().int(),
  /** oldest first, at most 20 */
  transitions: z.array(HealthTransition).max(20),
});
export type RsHealthStatus = z.infer<typeof RsHealthStatus>;

export const ServiceHealthStatus = z.object({
  key: ServiceKey,
  quorumUp: z.boolean(),
  liveWeight: z.number().int(),
  sorryServerActive: z.boolean(),
});

export const HealthStatus = z.object({
  realServers: z.array(RsHealthStatus),
  services: z.array(ServiceHealthStatus),
  scriptChecksAllowed: z.boolean(),
  time: z.number(),
});
export type HealthStatus = z.infer<typeof HealthStatus>;

export const HealthConfigure = z.object({ config: HealthConfig });
export const HealthGet = z.object({ includeConfig: z.boolean().default(false) });
export const HealthGot = HealthStatus.extend({ config: HealthConfig.optional() });
export const HealthSubscribed = z.object({ subscription: z.string() });
export const HealthUnsubscribe = z.object({ subscription: z.string().min(1).max(128) });
