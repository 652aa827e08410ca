// A real server's health state as a badge: glyph + word on the state's colour (never colour
// alone); the title has the meaning, the last check's reason and latency, the failures in a row
// and the checkers. data-testid="health-state" (text = the state) for browser tests.
import type { RsHealthView } from "../../protocol/dashboard-health.ts";
import { healthBadge, healthTitle } from "./health-state.ts";

export function HealthBadge({ rs }: { rs: RsHealthView | undefined }) {
  if (!rs) {
    return (
      <span className="text-xs text-zinc-400" title="no health checks for this real server" data-testid="health-state" data-state="none">
        —
      </span>
    );
  }
  const b = healthBadge(rs.state);
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${b.className}`}
      title={healthTitle(rs)}
      data-testid="health-state"
      data-state={rs.state}
    >
      <span aria-hidden="true">{b.glyph}</span>
      <span>{b.label}</span>
    </span>
  );
}
