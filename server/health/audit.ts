// Automatic health transitions in the audit log, done by "health check" with the reason
// ("rs 10.0.0.2:80 down: connect refused"). Only transitions into or out of "down" are
// written (unknown -> up at a start, or up <-> disabled by an operator's weight, are not
// health's doing). A flapping real server cannot flood the log: per real server, the first
// first `burst` transitions (default 2: a down and its recovery) of a window of `windowMs` are
// written at once, the ones that follow within the window are kept and written as one entry
// when it ends (how many, the last ones, the state it ended in); a new window starts then, so
// a server that keeps flapping gets one entry per window, and one that calmed down gets its
// next transitions written at once.
import type { HealthTransition } from "@/protocol/health.ts";
import type { AuditLog } from "../store/audit.ts";

export const HEALTH_ACTOR = "health check";
export const HEALTH_ACTION = "health.transition";
/** at most this many transitions are listed in an aggregated entry (the count says all) */
const LISTED = 10;

export interface HealthAuditOptions {
  /** default 60 s */
  windowMs?: number;
  /** transitions written at once per window (default 2) */
  burst?: number;
}

interface Window {
  /** when the window's first entry was written */
  start: number;
  written: number;
  pending: HealthTransition[];
  timer: ReturnType<typeof setTimeout> | null;
}

export const auditedTransition = (t: HealthTransition): boolean => t.from === "down" || t.to === "down";

export const transitionReason = (destination: string, t: HealthTransition): string => `rs ${destination} ${t.to}: ${t.reason}`;

export class HealthAudit {
  readonly #windows = new Map<string, Window>();
  readonly #windowMs: number;
  readonly #burst: number;

  constructor(
    readonly audit: AuditLog,
    opts: HealthAuditOptions = {},
    /** a store fault while writing (reported, never thrown into the link) */
    readonly onError: (err: unknown) => void = () => {},
  ) {
    this.#windowMs = opts.windowMs ?? 60_000;
    this.#burst = opts.burst ?? 2;
  }

  /** A transition of a real server (service and destination are the dashboard's key strings). */
  record(director: string, service: string, destination: string, t: HealthTransition, now = Date.now()): void {
    if (!auditedTransition(t)) return;
    const id = `${director} ${service} ${destination}`;
    const w = this.#windows.get(id);
    if (w && now - w.start < this.#windowMs && (w.written >= this.#burst || w.pending.length > 0)) {
      w.pending.push(t);
      w.timer ??= setTimeout(() => this.#flush(id, director, service, destination), w.start + this.#windowMs - now);
      return;
    }
    if (w && now - w.start < this.#windowMs) w.written++;
    else {
      if (w?.timer) clearTimeout(w.timer);
      this.#windows.set(id, { start: now, written: 1, pending: [], timer: null });
    }
    this.#write(director, service, destination, transitionReason(destination, t), { from: t.from, to: t.to, at: t.at, transitions: 1 });
  }

  #flush(id: string, director: string, service: string, destination: string): void {
    const w = this.#windows.get(id);
    if (!w) return;
    w.timer = null;
    const ts = w.pending.splice(0);
    if (ts.length === 0) return;
    // a new window starts now, already spent: a server still flapping gets one entry per window
    w.start = Date.now();
    w.written = this.#burst;
    if (ts.length === 1) {
      const t = ts[0]!;
      this.#write(director, service, destination, transitionReason(destination, t), { from: t.from, to: t.to, at: t.at, transitions: 1 });
      return;
    }
    const first = ts[0]!;
    const last = ts.at(-1)!;
    const seconds = Math.max(1, Math.round((last.at - first.at) / 1000));
    const reason = `rs ${destination} flapping: ${ts.length} transitions in ${seconds} s, now ${last.to}: ${last.reason}`;
    this.#write(director, service, destination, reason, {
      from: first.from,
      to: last.to,
      at: last.at,
      transitions: ts.length,
      listed: ts.slice(-LISTED),
    });
  }

  #write(director: string, service: string, destination: string, reason: string, detail: Record<string, unknown>): void {
    try {
      this.audit.record(
        { user: HEALTH_ACTOR, action: HEALTH_ACTION, director, target: `${service} ${destination}`, request: { service, realServer: destination, reason, ...detail } },
        true,
        { state: detail.to, reason },
      );
    } catch (err) {
      this.onError(err);
    }
  }

  /** Writes what is pending now (at close). */
  close(): void {
    for (const [id, w] of [...this.#windows]) {
      if (w.timer) clearTimeout(w.timer);
      w.timer = null;
      const [director, service, destination] = id.split(" ") as [string, string, string];
      this.#flush(id, director, service, destination);
    }
    this.#windows.clear();
  }
}
