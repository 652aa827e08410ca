"use client";
// A realserver agent's own page: its ARP sysctls (arp_ignore / arp_announce per interface, as
// the agent reads them) and its DR readiness for every VIP of the directors' direct-routing
// services that send to it, failed checks first (VIP on lo, host route, per-interface ARP).
import type { ReadinessCheck } from "@/protocol/realserver.ts";
import { useFleetReadiness } from "../fleet/agent-readiness.ts";
import { useFleet } from "../hooks/use-fleet.ts";
import { useSysctls } from "../hooks/use-sysctls.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { Table, TBody, Td, Tr } from "../ui/table.tsx";

const byFailureFirst = (a: ReadinessCheck, b: ReadinessCheck) => Number(a.ok) - Number(b.ok) || a.id.localeCompare(b.id);

export function AgentReadinessPanel({ id }: { id: string }) {
  const { directors } = useFleet();
  const online = directors
    ? Object.values(directors)
        .filter((d) => d.role !== "realserver" && d.link === "online")
        .map((d) => d.id)
    : null;
  const { data, error, isLoading } = useFleetReadiness(online);
  const list = data?.byAgent[id] ?? [];
  return (
    <section aria-labelledby="agent-readiness-title" className="flex flex-col gap-2" data-testid="agent-readiness">
      <h2 id="agent-readiness-title" className="text-lg font-semibold">
        DR readiness
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Asking the directors and this agent…</p>}
      {data && list.length === 0 && <p className="text-sm text-zinc-500">No direct-routing service of an online director sends to this agent's addresses.</p>}
      {data && data.errors.length > 0 && <p className="text-xs text-red-700 dark:text-red-400">Not read from {data.errors.join("; ")}</p>}
      {list.map((r) => {
        const checks = [...(r.entry.report?.checks ?? [])].sort(byFailureFirst);
        const ok = r.entry.status === "ready";
        return (
          <div key={`${r.director} ${r.service} ${r.entry.destination}`} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid={`agent-vip-${r.director}-${r.vip ?? r.service}`}>
            <p className="text-sm">
              <span className="font-mono font-semibold">{r.vip ?? r.service}</span> <span className="text-zinc-500">({r.service} on {r.director}, real server {r.entry.destination})</span>{" "}
              <span className={ok ? "text-emerald-700 dark:text-emerald-400" : "text-red-700 dark:text-red-400"} data-testid="agent-vip-status">
                {ok ? "ready" : r.entry.status === "not_ready" ? "not ready" : "check failed"}
              </span>
            </p>
            {r.entry.error && <p className="font-mono text-xs text-red-700 dark:text-red-400">{r.entry.error}</p>}
            <Table density="inline-tight" className="mt-1 text-xs">
              <TBody>
                {checks.map((c) => (
                  <Tr key={c.id} data-testid={`check-${c.id}`}>
                    <Td>{c.ok ? "✓" : "✗"}</Td>
                    <Td>{c.title}</Td>
                    <Td bare className="font-mono">
                      {c.current}
                      {c.ok ? "" : ` (expected ${c.expected})`}
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </div>
        );
      })}
    </section>
  );
}

/** The ARP sysctls only (the Sysctls tab has all of them, with their documentation). */
export function AgentArpSettings({ id }: { id: string }) {
  const { data, error, isLoading } = useSysctls(id);
  const entries = (data?.entries ?? Object.entries(data?.values ?? {}).map(([name, value]) => ({ name, value })))
    .filter((e) => /\.arp_(ignore|announce)$/.test(e.name))
    .sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section aria-labelledby="arp-title" className="flex flex-col gap-2" data-testid="agent-arp">
      <h2 id="arp-title" className="text-lg font-semibold">
        ARP settings
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Reading sysctls…</p>}
      {data && entries.length === 0 && <p className="text-sm text-zinc-500">The agent reported no arp_ignore / arp_announce sysctls.</p>}
      {entries.length > 0 && (
        // inline gaps under a lighter rule than the house one
        <Table density="inline" className="w-fit text-sm">
          <TBody>
            {entries.map((e) => (
              <Tr key={e.name} className="border-t border-zinc-100 dark:border-zinc-800" data-testid={`arp-${e.name}`}>
                <Td className="py-0.5 font-mono">{e.name}</Td>
                <Td bare className="py-0.5 font-mono">
                  {String(e.value)}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
    </section>
  );
}
