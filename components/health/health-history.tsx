"use client";
// A service's last health transitions, newest first: when (in the user's time zone,
// components/hooks/use-clock.ts), which real server, from ->
// to (the badges' words) and the reason. data-testid="health-history", rows "transition".
import type { ServiceHealthView } from "@/protocol/dashboard/health.ts";
import { useClock } from "../hooks/use-clock.ts";
import { healthBadge, recentTransitions } from "./health-state.ts";

export function HealthHistory({ svc, limit = 50 }: { svc: ServiceHealthView | undefined; limit?: number }) {
  const rows = recentTransitions(svc, limit);
  const clock = useClock();
  if (rows.length === 0) return <p className="text-sm text-zinc-500" data-testid="health-history">No transitions yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" data-testid="health-history">
        <thead className="text-left text-xs text-zinc-500">
          <tr>
            <th className="px-2 py-1">Time ({clock.label})</th>
            <th className="px-2 py-1">Real server</th>
            <th className="px-2 py-1">Transition</th>
            <th className="px-2 py-1">Reason</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((t) => (
            <tr key={`${t.destination} ${t.at} ${t.to}`} data-testid="transition" data-dest={t.destination} data-from={t.from} data-to={t.to} className="border-t border-zinc-200 dark:border-zinc-800">
              <td className="px-2 py-1 font-mono text-xs whitespace-nowrap">{clock.dateTime(t.at)}</td>
              <td className="px-2 py-1 font-mono text-xs">{t.destination}</td>
              <td className="px-2 py-1 text-xs whitespace-nowrap">
                {healthBadge(t.from).glyph} {t.from} → {healthBadge(t.to).glyph} {t.to}
              </td>
              <td className="px-2 py-1 text-xs">{t.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
