// The dashboard contract's plain values (no zod), re-exported by protocol/dashboard/views.ts: the
// browser's fleet page imports these from here so that its first JavaScript loads no schemas.

/** What a registered agent is: an IPVS director, or a real server's agent (DR readiness). */
export const AGENT_ROLES = ["director", "realserver"] as const;

/** How many stats events a director's sparklines keep. */
export const SPARKLINE_POINTS = 60;

/** A sparkline's values oldest first (keys are increasing event counters). */
export function sparklineValues(points: Record<string, number> | undefined): number[] {
  if (!points) return [];
  return Object.keys(points)
    .map(Number)
    .sort((a, b) => a - b)
    .map((k) => points[String(k)]!);
}
