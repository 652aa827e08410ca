// Reconnect delays: exponential growth capped at a maximum, with random jitter so a fleet of
// clients that lost the same agent do not all come back in the same millisecond.

export interface ReconnectOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  factor?: number;
  /** 0..1: each delay is reduced by up to this fraction at random */
  jitter?: number;
}

/** Delay before reconnect attempt number `attempt` (0-based); `random` is injectable for tests. */
export function backoffDelay(attempt: number, o: ReconnectOptions = {}, random = Math.random): number {
  const base = Math.min(
    o.maxDelayMs ?? 30_000,
    (o.initialDelayMs ?? 250) * (o.factor ?? 2) ** Math.min(attempt, 50),
  );
  return Math.round(base * (1 - (o.jitter ?? 0.5) * random()));
}
