"use client";
// A service's last health transitions, newest first: when (in the user's time zone,
// components/hooks/use-clock.ts), which real server, from ->
// to (the badges' words) and the reason. data-testid="health-history", rows "transition".
import type { ServiceHealthView } from "@/protocol/dashboard/health.ts";
import { useClock } from "../hooks/use-clock.ts";
import { healthBadge, recentTransitions } from "./health-state.ts";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

export function HealthHistory({ svc, limit = 50 }: { svc: ServiceHealthView | undefined; limit?: number }) {
  const rows = recentTransitions(svc, limit);
  const clock = useClock();
  if (rows.length === 0) return <p className="text-sm text-zinc-500" data-testid="health-history">No transitions yet.</p>;
  return (
    <div className="overflow-x-auto">
      <Table data-testid="health-history">
        <THead look="plain">
          <Tr bare>
            <Th>Time ({clock.label})</Th>
            <Th>Real server</Th>
            <Th>Transition</Th>
            <Th>Reason</Th>
          </Tr>
        </THead>
        <TBody>
          {rows.map((t) => (
            // body cells as tight as the headers (py-1): a history is read as a list
            <Tr key={`${t.destination} ${t.at} ${t.to}`} data-testid="transition" data-dest={t.destination} data-from={t.from} data-to={t.to}>
              <Td bare className="px-2 py-1 font-mono text-xs whitespace-nowrap">{clock.dateTime(t.at)}</Td>
              <Td bare className="px-2 py-1 font-mono text-xs">{t.destination}</Td>
              <Td bare className="px-2 py-1 text-xs whitespace-nowrap">
                {healthBadge(t.from).glyph} {t.from} → {healthBadge(t.to).glyph} {t.to}
              </Td>
              <Td bare className="px-2 py-1 text-xs">{t.reason}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
