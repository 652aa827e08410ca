// Pure rules of the health views (unit-tested in test/unit/ui-health-state.test.ts): a state's
// badge (word, glyph, colour, never colour alone) and its title (last reason and latency), the
// real servers health holds out of the kernel's table (listed as down from the health view),
// a service's recent transitions, and the latency topic as uPlot columns.
import type { DirectorHealthView, HealthLatencyView, RsHealthView, ServiceHealthView } from "@/protocol/dashboard/health.ts";
import { parseDestinationKeyString } from "@/protocol/dashboard/keys.ts";
import type { HealthTransition, RsHealthState } from "@/protocol/health.ts";
import { compareDestinationKeysNumeric } from "@/protocol/rules-diff.ts";
import { DEFAULT_TIME_ZONE, formatDateTime } from "../lib/clock.ts";

export interface HealthBadgeLook {
  label: RsHealthState;
  glyph: string;
  className: string;
  description: string;
}

const LOOK: Record<RsHealthState, Omit<HealthBadgeLook, "label">> = {
  up: { glyph: "●", className: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-300", description: "its checks pass; in the pool" },
  down: { glyph: "✕", className: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-300", description: "a check failed; removed from the pool (or weight 0 with inhibit_on_failure)" },
  unknown: { glyph: "?", className: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300", description: "no check result yet" },
  disabled: { glyph: "■", className: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300", description: "healthy, weight 0 set by an operator" },
};

export function healthBadge(state: RsHealthState): HealthBadgeLook {
  return { label: state, ...LOOK[state] };
}

/** "down: connect refused, 2.1 ms at 12:03:04 UTC · 3 failures in a row · HTTP_GET" */
export function healthTitle(rs: Pick<RsHealthView, "state" | "lastResult" | "consecutiveFailures" | "checkers" | "inPool">, zone: string = DEFAULT_TIME_ZONE): string {
  const parts = [`${rs.state}: ${LOOK[rs.state].description}`];
  const r = rs.lastResult ?? null;
  parts.push(r ? `last check ${r.reason}, ${formatLatency(r.latencyMs)} at ${formatDateTime(r.at, zone)}` : "no check result yet");
  if (rs.consecutiveFailures > 0) parts.push(`${rs.consecutiveFailures} failure${rs.consecutiveFailures === 1 ? "" : "s"} in a row`);
  if (!rs.inPool) parts.push("not in the kernel's table");
  parts.push(rs.checkers.length > 0 ? `checks: ${rs.checkers.join(", ")}` : "no checker (always up)");
  return parts.join(" · ");
}

export function formatLatency(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "-";
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * The real servers of a service health knows but the kernel's table does not hold (health
 * removed them: down without inhibit_on_failure, or held out below quorum), in numeric order:
 * the service page still lists them, from the health view.
 */
export function heldOut(svc: ServiceHealthView | undefined, inKernel: Iterable<string>): RsHealthView[] {
  if (!svc) return [];
  const kernel = new Set(inKernel);
  return Object.values(svc.realServers ?? {})
    .filter((r) => !kernel.has(r.key))
    .sort((a, b) => compareDestinationKeysNumeric(a, b));
}

export interface TransitionRow extends HealthTransition {
  destination: string;
}

/** The service's transitions, newest first (ties: by real server), at most `limit`. */
export function recentTransitions(svc: ServiceHealthView | undefined, limit = 50): TransitionRow[] {
  const rows: TransitionRow[] = [];
  for (const r of Object.values(svc?.realServers ?? {})) for (const t of r.transitions ?? []) rows.push({ ...t, destination: r.key });
  return rows.sort((a, b) => b.at - a.at || a.destination.localeCompare(b.destination)).slice(0, limit);
}

/** uPlot columns of the latency topic: [time s, ...each real server of `keys`] (null = no check then). */
export function latencyColumns(view: HealthLatencyView | undefined, keys: readonly string[]): (number | null)[][] {
  const lat = view?.latency ?? {};
  const times = new Set<number>();
  for (const k of keys) for (const t of Object.keys(lat[k] ?? {})) times.add(Number(t));
  const time = [...times].filter(Number.isFinite).sort((a, b) => a - b);
  return [time, ...keys.map((k) => time.map((t) => lat[k]?.[String(t)] ?? null))];
}

/** The latency topic's real servers, sorted numerically (the chart's series order). */
export function latencyKeys(view: HealthLatencyView | undefined): string[] {
  const keyed = Object.keys(view?.latency ?? {}).map((s) => ({ s, k: parseDestinationKeyString(s) }));
  return keyed.sort((a, b) => (a.k && b.k ? compareDestinationKeysNumeric(a.k, b.k) : a.s.localeCompare(b.s))).map((x) => x.s);
}

/** What the health view's link status means for the page; null when the statuses are current. */
export function healthStatusNote(view: Pick<DirectorHealthView, "status" | "error"> | undefined): string | null {
  switch (view?.status) {
    case undefined:
    case "pending":
      return "Waiting for the agent's health status…";
    case "none":
      return "This director's agent runs no health checks.";
    case "error":
      return `Health status unavailable: ${view.error ?? "unknown error"}.`;
    case "offline":
      return "The director is offline: these are the last known health states, not current ones.";
    default:
      return null;
  }
}
