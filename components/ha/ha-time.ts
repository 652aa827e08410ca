// The time of a VRRP transition as the operator reads it: "MASTER since 12:03:04 UTC, 2m ago".
// UTC unless the caller passes the user's zone (useClock().zone); written by
// components/lib/clock.ts like every other time on the dashboard.
import type { VrrpState } from "@/protocol/ha.ts";
import { DEFAULT_TIME_ZONE, formatClockTime } from "../lib/clock.ts";
import { formatAgo } from "../lib/format.ts";

/** "12:03:04 UTC" the same day as `nowMs`, else "2026-11-30 12:03:04 UTC"; in another zone
 * (the user's setting, components/hooks/use-clock.ts) "17:33:04 +05:30". */
export function formatClock(ms: number, nowMs: number, zone: string = DEFAULT_TIME_ZONE): string {
  return formatClockTime(ms, nowMs, zone);
}

/** "MASTER since 12:03:04 UTC, 2m ago"; just the state while its start is unknown. */
export function formatStateSince(state: VrrpState, sinceMs: number | null | undefined, nowMs: number, zone: string = DEFAULT_TIME_ZONE): string {
  if (sinceMs === null || sinceMs === undefined || !Number.isFinite(sinceMs)) return state;
  return `${state} since ${formatClock(sinceMs, nowMs, zone)}, ${formatAgo(sinceMs, nowMs)}`;
}

/** "BACKUP → MASTER at 12:03:04 UTC (2m ago)": one line of a member's transition list. */
export function formatTransition(t: { from: VrrpState; to: VrrpState; at: number }, nowMs: number, zone: string = DEFAULT_TIME_ZONE): string {
  return `${t.from} → ${t.to} at ${formatClock(t.at, nowMs, zone)} (${formatAgo(t.at, nowMs)})`;
}
