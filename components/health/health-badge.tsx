"use client";
// A real server's health state as a badge: glyph + word on the state's colour (never colour
// alone); the title has the meaning, the last check's reason and latency, the failures in a row
// and the checkers. data-testid="health-state" (text = the state) for browser tests. `inline`:
// the same facts as a small line under a real-server row's state badge.
import type { RsHealthView } from "@/protocol/dashboard/health.ts";
import { useTimeZone } from "../hooks/use-clock.ts";
import { healthBadge, healthTitle } from "./health-state.ts";

export function HealthBadge({ rs, inline = false }: { rs: RsHealthView | undefined; inline?: boolean }) {
  const zone = useTimeZone();
  if (!rs) {
    return (
      <span className={inline ? "sr-only" : "text-xs text-zinc-400"} title="no health checks for this real server" data-testid="health-state" data-state="none">
        {inline ? "no health checks" : "—"}
      </span>
    );
  }
  const b = healthBadge(rs.state);
  // inline: a second line under the row's state badge (components/service/rs-state-badge.tsx)
  if (inline) {
    return (
      <span className="inline-flex items-center gap-1 text-[11px] text-zinc-600 dark:text-zinc-400" title={healthTitle(rs, zone)} data-testid="health-state" data-state={rs.state}>
        <span aria-hidden="true">{b.glyph}</span>
        <span>health {b.label}</span>
      </span>
    );
  }
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${b.className}`}
      title={healthTitle(rs, zone)}
      data-testid="health-state"
      data-state={rs.state}
    >
      <span aria-hidden="true">{b.glyph}</span>
      <span>{b.label}</span>
    </span>
  );
}
