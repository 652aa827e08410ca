// Bounds of the server's in-memory collections that grow with use (docs/server.md, Limits).
// Each owner enforces its own bound (oldest first where evicting loses nothing the user still
// needs, a refusal with a reason where it would) and counts what it let go here, so /metrics
// shows a bound that is being hit (lvs_fleet_limit_evictions_total, ..._refusals_total).

/** The defaults; each owner takes an option to change its own (tests, small machines). */
export const LIMITS = {
  /** finished drain jobs (undrained, removed) kept in memory for the drains topic; older
   * ones stay in SQLite only. Running and drained jobs are never evicted. */
  finishedDrainJobs: 200,
  /** history series whose ids are kept in memory; the least recently recorded ones without a
   * minute in memory are forgotten (their rows stay in SQLite and are looked up again) */
  historySeries: 200_000,
  /** completed history minutes waiting for a write that keeps failing (disk full): about
   * 1.7 KB each; beyond it the oldest minutes are dropped (counted) */
  historyPendingMinutes: 100_000,
  /** browser live sockets of one login session; one more is closed with CLOSE_TOO_MANY_SOCKETS */
  liveSocketsPerSession: 10,
  /** browser live sockets of one user over all their sessions */
  liveSocketsPerUser: 50,
} as const;

/** The collections that evict (oldest first) and those that refuse one more, as /metrics labels. */
export const EVICTING = ["drain_jobs", "history_series", "history_pending_minutes"] as const;
export const REFUSING = ["live_sockets_session", "live_sockets_user"] as const;

/** What was let go or refused, per collection, for /metrics. */
export class LimitCounters {
  readonly evictions = new Map<string, number>();
  readonly refusals = new Map<string, number>();

  evicted(collection: (typeof EVICTING)[number], n = 1): void {
    if (n > 0) this.evictions.set(collection, (this.evictions.get(collection) ?? 0) + n);
  }

  refused(collection: (typeof REFUSING)[number]): void {
    this.refusals.set(collection, (this.refusals.get(collection) ?? 0) + 1);
  }
}
