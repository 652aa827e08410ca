// Time left in a drain, from the active and inactive connection counts of its stats events.
// The two counts are not alike. Inactive entries (FIN_WAIT, TIME_WAIT, and every UDP entry)
// leave on the kernel's timers: once nothing is active, the rest is gone within one such timer
// of the last time an entry went inactive. That bound is a fact, not a guess, so a TIME_WAIT
// tail's ETA is the bound counting down by the clock (a least-squares slope over a few expiry
// steps swung between unknown and hours on the same tail). Active connections end when their
// clients are done, which nobody knows: their ETA comes from EWMAs (time constant RATE_TAU_S,
// bias-corrected while warming up) of the observed rates, the sooner of (active / close rate +
// the tail bound: the last one to close then waits out its timer) and (everything left / the
// rate at which the total falls: entries reset or closed early skip TIME_WAIT). The ETA shown
// moves at most max(STEP_MIN_S, STEP_FRACTION of itself) per step away from the previous
// one's countdown, and never stays above a tail's bound. null while unknown: active
// connections that do not close, a tail past its bound (non-default kernel timeouts), or more
// than MAX_ETA_S.

/** seconds an inactive entry may stay: the kernel's default FIN_WAIT/TIME_WAIT (2 min) for
 * TCP and SCTP, its UDP timeout (5 min) for UDP and fwmark services (either protocol) */
export const TAIL_BOUND_S = { tcp: 120, sctp: 120, udp: 300, fwmark: 300 } as const;
export const RATE_TAU_S = 30;
export const MAX_ETA_S = 6 * 3600;
export const STEP_MIN_S = 5;
export const STEP_FRACTION = 0.25;

export interface DrainCounts {
  t: number;
  active: number;
  inactive: number;
}

export interface EtaState {
  /** the last sample */
  last: DrainCounts;
  /** EWMA of active connections closing per second (not yet bias-corrected) */
  closeRate: number;
  /** EWMA of the total (active + inactive) falling per second (not yet bias-corrected) */
  drainRate: number;
  /** seconds the EWMAs have seen (for their bias correction) */
  observedS: number;
  /** ms: every inactive entry seen so far is gone by then */
  tailDeadline: number;
  /** the ETA shown, in seconds; null while unknown */
  eta: number | null;
}

/** The tail bound of a service key string ("tcp:10.0.0.1:80", "fwmark:7"). */
export function tailBoundOf(service: string): number {
  const protocol = service.slice(0, service.indexOf(":")) as keyof typeof TAIL_BOUND_S;
  return TAIL_BOUND_S[protocol] ?? TAIL_BOUND_S.udp;
}

/** The next state after sample `s` (samples in time order; an older one is ignored). */
export function etaStep(prev: EtaState | null, s: DrainCounts, tailBoundS: number): EtaState {
  if (!prev) {
    const first: EtaState = { last: s, closeRate: 0, drainRate: 0, observedS: 0, tailDeadline: s.t + tailBoundS * 1000, eta: null };
    const raw = rawEta(first, s, tailBoundS);
    return { ...first, eta: raw === null ? null : Math.round(raw) };
  }
  const dt = (s.t - prev.last.t) / 1000;
  if (dt <= 0) return prev;
  const alpha = 1 - Math.exp(-dt / RATE_TAU_S);
  const closed = Math.max(0, prev.last.active - s.active) / dt;
  const left = Math.max(0, prev.last.active + prev.last.inactive - (s.active + s.inactive)) / dt;
  const next: EtaState = {
    last: s,
    closeRate: prev.closeRate + alpha * (closed - prev.closeRate),
    drainRate: prev.drainRate + alpha * (left - prev.drainRate),
    observedS: prev.observedS + dt,
    // a connection that closed, or any entry new to an inactive state, starts its timer now
    tailDeadline: s.inactive > prev.last.inactive || s.active < prev.last.active ? s.t + tailBoundS * 1000 : prev.tailDeadline,
    eta: null,
  };
  next.eta = smooth(prev.eta, rawEta(next, s, tailBoundS), dt, s.active === 0);
  return next;
}

/** The estimate before smoothing: a tail's bound, else the sooner of the two rates' answers. */
function rawEta(st: EtaState, s: DrainCounts, tailBoundS: number): number | null {
  const count = s.active + s.inactive;
  if (count === 0) return 0;
  if (s.active === 0) {
    const bound = (st.tailDeadline - s.t) / 1000;
    return bound > 0 ? bound : null;
  }
  const warm = 1 - Math.exp(-st.observedS / RATE_TAU_S);
  const rate = (r: number) => (warm > 0 ? r / warm : 0);
  const byClose = rate(st.closeRate) >= 1e-4 ? s.active / rate(st.closeRate) + tailBoundS : Infinity;
  const byTotal = rate(st.drainRate) >= 1e-4 ? count / rate(st.drainRate) : Infinity;
  const eta = Math.min(byClose, byTotal);
  return eta <= MAX_ETA_S ? eta : null;
}

/** At most one step away from the previous ETA's countdown; on a tail (nothing active) never
 * above its bound `raw`. Unknown <-> known is not smoothed: there is no number to move from. */
function smooth(prev: number | null, raw: number | null, dt: number, tail: boolean): number | null {
  if (raw === null || prev === null) return raw === null ? null : Math.round(raw);
  if (raw === 0) return 0;
  const expected = Math.max(0, prev - dt);
  const step = Math.max(STEP_MIN_S, STEP_FRACTION * expected);
  let eta = Math.min(expected + step, Math.max(expected - step, raw));
  if (tail) eta = Math.min(eta, raw);
  return Math.max(0, Math.round(eta));
}
