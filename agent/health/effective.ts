// A checker's effective timing, resolved as keepalived does (check_data.c): the checker's own
// value, else the real server's, else the virtual server's, else the checker kind's default.
import type { Checker, CheckTiming, RealServerHealth, ServiceHealth } from "@/protocol/health.ts";
import { HEALTH_DEFAULTS } from "@/protocol/health.ts";

export interface EffectiveTiming {
  delayLoopMs: number;
  retry: number;
  delayBeforeRetryMs: number;
  warmupMs: number;
  alpha: boolean;
  connectTimeoutMs: number;
}

/** keepalived's per-kind defaults: retry and delay_before_retry (null = delay_loop). */
const KIND_DEFAULTS: Record<Checker["kind"], { retry: number; delayBeforeRetry: number | null }> = {
  TCP_CHECK: { retry: 1, delayBeforeRetry: 1 },
  HTTP_GET: { retry: 1, delayBeforeRetry: 3 },
  SSL_GET: { retry: 1, delayBeforeRetry: 3 },
  DNS_CHECK: { retry: 3, delayBeforeRetry: null },
  MISC_CHECK: { retry: 0, delayBeforeRetry: 1 },
};

function pick<K extends keyof CheckTiming>(k: K, ...levels: CheckTiming[]): CheckTiming[K] | undefined {
  for (const l of levels) if (l[k] !== undefined) return l[k];
  return undefined;
}

export function effectiveTiming(c: Checker, rs: RealServerHealth, svc: ServiceHealth): EffectiveTiming {
  const delayLoop = pick("delayLoop", c, rs, svc) ?? HEALTH_DEFAULTS.delayLoop;
  const d = KIND_DEFAULTS[c.kind];
  return {
    delayLoopMs: delayLoop * 1000,
    retry: pick("retry", c, rs, svc) ?? d.retry,
    delayBeforeRetryMs: (pick("delayBeforeRetry", c, rs, svc) ?? d.delayBeforeRetry ?? delayLoop) * 1000,
    // keepalived: warmup defaults to delay_loop, which spreads the first checks over one loop
    warmupMs: (pick("warmup", c, rs, svc) ?? delayLoop) * 1000,
    alpha: pick("alpha", c, rs, svc) ?? HEALTH_DEFAULTS.alpha,
    connectTimeoutMs: (pick("connectTimeout", c, rs, svc) ?? HEALTH_DEFAULTS.connectTimeout) * 1000,
  };
}

export function effectiveInhibit(rs: RealServerHealth, svc: ServiceHealth): boolean {
  return rs.inhibitOnFailure ?? svc.inhibitOnFailure ?? HEALTH_DEFAULTS.inhibitOnFailure;
}
