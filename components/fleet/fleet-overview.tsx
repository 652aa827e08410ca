"use client";
// The fleet overview: every director grouped by group with its link state and live numbers;
// an untrusted director's row offers admins "Accept new certificate" as its page header does.
// An HA group gets its VRRP block above its table (members' states, VIP owners, drift).
// Realserver agents are listed apart, below, with their DR readiness (realserver-agents.tsx).
import Link from "next/link";
import type { DirectorView } from "@/protocol/dashboard/index.ts";
import { sparklineValues } from "@/protocol/dashboard/values.ts";
import { HaGroupBlock, hasHa } from "../ha/ha-group-block.tsx";
import { useFleet } from "../hooks/use-fleet.ts";
import { useGroups } from "../hooks/use-groups.ts";
import { formatBitRate, formatCount, formatSi } from "../lib/format.ts";
import { pages } from "../lib/paths.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { LinkBadge } from "../ui/link-badge.tsx";
import { PlaintextBadge } from "../ui/plaintext-badge.tsx";
import { Sparkline } from "../ui/sparkline.tsx";
import { DeleteDirectorButton } from "./delete-director-button.tsx";
import { groupDirectors } from "./group-directors.ts";
import { useFleetReadiness } from "./agent-readiness.ts";
import { RealServerAgents } from "./realserver-agents.tsx";
import { RequireRole } from "../auth/session.tsx";
import { AcceptCertificateButton } from "./trust-actions.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

const COLUMN_WIDTHS = ["w-[17%]", "w-[15%]", "w-[7%]", "w-[7%]", "w-[16%]", "w-[18%]", "w-[14%]", "w-[6%]"];

export function FleetOverview() {
  const { directors, error, isLoading } = useFleet();
  const { groups: haGroups } = useGroups();
  const all = Object.values(directors ?? {});
  const agents = all.filter((d) => d.role === "realserver");
  const online = directors ? all.filter((d) => d.role !== "realserver" && d.link === "online").map((d) => d.id) : null;
  const readiness = useFleetReadiness(agents.length > 0 ? online : null);
  if (error) return <ErrorMessage error={error} />;
  if (isLoading || !directors) return <p className="text-sm text-zinc-500">Loading the fleet…</p>;
  const groups = groupDirectors(all.filter((d) => d.role !== "realserver"));
  if (groups.length === 0 && agents.length === 0) return <p className="text-sm text-zinc-500">No director registered yet: use the form below.</p>;
  return (
    <div className="flex flex-col gap-6">
      {groups.map((g) => (
        <section key={g.group} data-testid={`group-${g.group || "none"}`}>
          <h2 className="mb-2 text-sm font-semibold tracking-wide text-zinc-500 uppercase">{g.group || "No group"}</h2>
          {g.group && hasHa(g.directors) && <HaGroupBlock name={g.group} directors={g.directors} view={haGroups?.[g.group]} />}
          <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            {/* fixed columns so that every group's table lines up with the others */}
            <Table density="roomy" className="w-full min-w-[64rem] table-fixed text-sm">
              <colgroup>
                {COLUMN_WIDTHS.map((w, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a constant list of columns
                  <col key={i} className={w} />
                ))}
              </colgroup>
              <THead>
                <Tr bare>
                  <Th>Director</Th>
                  <Th>Link</Th>
                  <Th>IPVS</Th>
                  <Th numeric>Services</Th>
                  <Th>Conns/s</Th>
                  <Th>Traffic</Th>
                  <Th>Active conns</Th>
                  <Th>
                    <span className="sr-only">Actions</span>
                  </Th>
                </Tr>
              </THead>
              <TBody>
                {g.directors.map((d) => (
                  <DirectorRow key={d.id} d={d} />
                ))}
              </TBody>
            </Table>
          </div>
        </section>
      ))}
      <RealServerAgents agents={agents} readiness={readiness.data} loading={readiness.isLoading} />
    </div>
  );
}

export function DirectorRow({ d }: { d: DirectorView }) {
  const reason = d.linkError ?? null; // merge patches drop nulls: read nullable fields with ??
  const bps = (d.traffic?.inBps ?? 0) + (d.traffic?.outBps ?? 0);
  const spark = {
    cps: sparklineValues(d.sparklines?.cps),
    bps: sparklineValues(d.sparklines?.bps),
    activeConns: sparklineValues(d.sparklines?.activeConns),
  };
  return (
    <Tr data-testid={`director-row-${d.id}`}>
      <Td>
        <Link href={pages.director(d.id)} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
          {d.name}
        </Link>
        <div className="text-xs text-zinc-500">
          {d.url}
          <PlaintextBadge url={d.url} />
        </div>
      </Td>
      <Td>
        <LinkBadge state={d.link} reason={reason} />
        {reason && d.link !== "online" && <div className="mt-1 max-w-56 text-xs text-zinc-500">{reason}</div>}
        <AcceptCertificateButton id={d.id} name={d.name} link={d.link} className="mt-1 max-w-56 items-start" />
      </Td>
      <Td className="text-xs">{d.ipvsVersion ?? "—"}</Td>
      <Td numeric className="tabular-nums">
        {formatCount(d.serviceCount)}
      </Td>
      <Td>
        <Metric testId="metric-cps" value={formatSi(d.traffic?.cps ?? 0)} values={spark.cps} label={`Connections per second of ${d.name}, last minute`} />
      </Td>
      <Td>
        <Metric testId="metric-bps" value={formatBitRate(bps)} values={spark.bps} label={`Traffic of ${d.name}, last minute`} />
      </Td>
      <Td>
        <Metric testId="metric-active" value={formatCount(d.traffic?.activeConns ?? 0)} values={spark.activeConns} label={`Active connections of ${d.name}, last minute`} />
      </Td>
      <Td className="text-right">
        <RequireRole min="admin">
          <DeleteDirectorButton id={d.id} name={d.name} />
        </RequireRole>
      </Td>
    </Tr>
  );
}

function Metric({ value, values, label, testId }: { value: string; values: readonly number[]; label: string; testId: string }) {
  return (
    <div className="flex items-center gap-2">
      <span className="w-20 text-right tabular-nums" data-testid={testId}>
        {value}
      </span>
      <Sparkline values={values} label={label} />
    </div>
  );
}
