// The time of a VRRP transition as the operator reads it: "MASTER since 12:03:04 UTC, 2m ago".
// UTC and no locale APIs, like components/lib/format.ts, so that the same text renders in the
// server's HTML and in the browser.
import type { VrrpState } from "../../protocol/ha.ts";
import { formatAgo } from "../lib/format.ts";

const pad = (n: number) => String(n).padStart(2, "0");

/** "12:03:04 UTC" the same UTC day as `nowMs`, else "2026-11-30 12:03:04 UTC". */
export function formatClock(ms: number, nowMs: number): string {
  if (!Number.isFinite(ms)) return "-";
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const day = d.toISOString().slice(0, 10);
  const today = Number.isFinite(nowMs) ? new Date(nowMs).toISOString().slice(0, 10) : "";
  return day === today ? `${time} UTC` : `${day} ${time} UTC`;
}

/** "MASTER since 12:03:04 UTC, 2m ago"; just the state while its start is unknown. */
export function formatStateSince(state: VrrpState, sinceMs: number | null | undefined, nowMs: number): string {
  if (sinceMs === null || sinceMs === undefined || !Number.isFinite(sinceMs)) return state;
  return `${state} since ${formatClock(sinceMs, nowMs)}, ${formatAgo(sinceMs, nowMs)}`;
}

/** "BACKUP → MASTER at 12:03:04 UTC (2m ago)": one line of a member's transition list. */
export function formatTransition(t: { from: VrrpState; to: VrrpState; at: number }, nowMs: number): string {
  return `${t.from} → ${t.to} at ${formatClock(t.at, nowMs)} (${formatAgo(t.at, nowMs)})`;
}
