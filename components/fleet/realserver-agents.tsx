"use client";
// The fleet page's "Real-server agents" section: DR real servers' hosts, apart from the
// directors (no IPVS table, so no services or traffic columns), each with its link and a
// one-line DR readiness summary over every director's direct-routing services.
import Link from "next/link";
import type { DirectorView } from "@/protocol/dashboard/index.ts";
import { RequireRole } from "../auth/session.tsx";
import { pages } from "../lib/paths.ts";
import { LinkBadge } from "../ui/link-badge.tsx";
import { PlaintextBadge } from "../ui/plaintext-badge.tsx";
import { type FleetReadiness, readinessSummary } from "./agent-readiness.ts";
import { DeleteDirectorButton } from "./delete-director-button.tsx";
import { AcceptCertificateButton } from "./trust-actions.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

const TONE = { ok: "text-emerald-700 dark:text-emerald-400", bad: "text-red-700 dark:text-red-400", none: "text-zinc-500" } as const;

export function RealServerAgents({ agents, readiness, loading }: { agents: DirectorView[]; readiness: FleetReadiness | undefined; loading: boolean }) {
  if (agents.length === 0) return null;
  const sorted = [...agents].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return (
    <section aria-labelledby="rs-agents-title" data-testid="realserver-agents">
      <h2 id="rs-agents-title" className="mb-2 text-sm font-semibold tracking-wide text-zinc-500 uppercase">
        Real-server agents
      </h2>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <Table density="roomy" className="w-full min-w-[48rem] table-fixed text-sm">
          <THead>
            <Tr bare>
              <Th className="w-[25%]">Agent</Th>
              <Th className="w-[20%]">Link</Th>
              <Th>DR readiness</Th>
              <Th className="w-[8%]">
                <span className="sr-only">Actions</span>
              </Th>
            </Tr>
          </THead>
          <TBody>
            {sorted.map((a) => {
              const reason = a.linkError ?? null;
              const s = readinessSummary(readiness?.byAgent[a.id]);
              return (
                <Tr key={a.id} data-testid={`rs-agent-row-${a.id}`}>
                  <Td>
                    <Link href={pages.director(a.id)} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                      {a.name}
                    </Link>
                    <div className="text-xs text-zinc-500">
                      {a.url}
                      <PlaintextBadge url={a.url} />
                    </div>
                  </Td>
                  <Td>
                    <LinkBadge state={a.link} reason={reason} />
                    {reason && a.link !== "online" && <div className="mt-1 text-xs text-zinc-500">{reason}</div>}
                    <AcceptCertificateButton id={a.id} name={a.name} link={a.link} className="mt-1 items-start" />
                  </Td>
                  <Td data-testid="rs-readiness">
                    {readiness ? <span className={TONE[s.tone]}>{s.text}</span> : <span className="text-zinc-500">{loading ? "Asking…" : "unknown"}</span>}
                  </Td>
                  <Td className="text-right">
                    <RequireRole min="admin">
                      <DeleteDirectorButton id={a.id} name={a.name} />
                    </RequireRole>
                  </Td>
                </Tr>
              );
            })}
          </TBody>
        </Table>
      </div>
      {readiness && readiness.errors.length > 0 && <p className="mt-1 text-xs text-red-700 dark:text-red-400">Readiness not read from {readiness.errors.join("; ")}</p>}
    </section>
  );
}
