// A real-server row's one state badge (rs-row-state.ts has the precedence). When the state is
// health's own (up, down, unknown) the badge is the health badge; otherwise the row's state,
// with health as a small line under it. data-testid="rs-state" (data-state = the row's state)
// around data-testid="health-state" (data-state = health's, "none" without checks).
import type { RsHealthView } from "@/protocol/dashboard/health.ts";
import { HealthBadge } from "../health/health-badge.tsx";
import type { RsRowLook } from "./rs-row-state.ts";

export function RsStateBadge({ look, health }: { look: RsRowLook; health: RsHealthView | undefined }) {
  const healthIsTheState = health !== undefined && look.state === health.state;
  return (
    <span className="inline-flex flex-col items-start gap-0.5" data-testid="rs-state" data-state={look.state} title={look.title}>
      {healthIsTheState ? (
        <HealthBadge rs={health} />
      ) : (
        <>
          <span className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold whitespace-nowrap ring-1 ring-inset ${look.className}`}>
            <span aria-hidden="true">{look.glyph}</span>
            <span>{look.label}</span>
          </span>
          <HealthBadge rs={health} inline />
        </>
      )}
    </span>
  );
}
