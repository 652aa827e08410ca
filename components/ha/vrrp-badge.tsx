// A VRRP state as a badge: glyph + word on the state's colour (never colour alone); the
// meaning in the title. data-testid="vrrp-state" for browser tests (text = the state).
import type { VrrpState } from "@/protocol/ha.ts";
import { vrrpBadge } from "./vrrp-state.ts";

export function VrrpBadge({ state, className = "" }: { state: VrrpState | undefined | null; className?: string }) {
  const b = vrrpBadge(state);
  return (
    <span
      className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-xs font-semibold ring-1 ring-inset ${b.className} ${className}`}
      title={`${b.label}: ${b.description}`}
    >
      <span aria-hidden="true">{b.glyph}</span>
      <span data-testid="vrrp-state">{b.label}</span>
    </span>
  );
}
