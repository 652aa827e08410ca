"use client";
// The group page's members: link state, VRRP state with when it began, the VIPs each holds,
// keepalived's problems and whether its table matches the group's. VRRP details come from the
// live "fleet" topic (DirectorView.ha), the table state from the "groups" topic.
import Link from "next/link";
import type { DirectorView, DriftStatus, GroupView } from "@/protocol/dashboard/index.ts";
import { pages } from "../lib/paths.ts";
import { LinkBadge } from "../ui/link-badge.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";
import { useTimeZone } from "../hooks/use-clock.ts";
import { formatStateSince } from "./ha-time.ts";
import { KeepalivedProblem } from "./keepalived-problem.tsx";
import { useNow } from "./use-now.ts";
import { VrrpBadge } from "./vrrp-badge.tsx";
import { haStatusNote, lastChange } from "./vrrp-state.ts";

const DRIFT: Record<DriftStatus, string> = {
  in_sync: "identical",
  drifted: "differs",
  unknown: "unknown (offline or not listed yet)",
  no_desired: "no group table yet",
};

export function GroupMembers({ group, directors }: { group: GroupView; directors: Record<string, DirectorView> | undefined }) {
  const zone = useTimeZone();
  const now = useNow();
  const members = Object.values(group.members ?? {}).sort((a, b) => a.director.localeCompare(b.director));
  return (
    <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
      <Table density="roomy">
        <THead tone="strong">
          <Tr bare>
            <Th>Member</Th>
            <Th>Link</Th>
            <Th>VRRP</Th>
            <Th>VIPs held</Th>
            <Th>Table</Th>
          </Tr>
        </THead>
        <TBody>
          {members.map((m) => {
            const d = directors?.[m.director];
            const ha = d?.ha ?? null;
            const role = ha?.role ?? m.vrrp ?? null;
            const note = ha ? haStatusNote(ha.status, ha.error ?? null) : null;
            return (
              <Tr key={m.director} data-testid={`group-member-${m.director}`} className="align-top">
                <Td>
                  <Link href={pages.director(m.director)} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
                    {d?.name ?? m.director}
                  </Link>
                </Td>
                <Td>{d ? <LinkBadge state={d.link} reason={d.linkError ?? null} /> : m.online ? "online" : "offline"}</Td>
                <Td>
                  <div className="flex flex-col gap-1">
                    <div className="flex flex-wrap items-center gap-2">
                      <VrrpBadge state={role} />
                      <span className="text-xs text-zinc-600 dark:text-zinc-400" suppressHydrationWarning>
                        {role && now ? formatStateSince(role, lastChange(Object.values(ha?.instances ?? {})), now, zone) : ""}
                      </span>
                    </div>
                    {note && <span className="text-xs text-zinc-600 dark:text-zinc-400">{note}</span>}
                    <KeepalivedProblem member={d?.name ?? m.director} keepalived={ha?.keepalived ?? null} />
                  </div>
                </Td>
                <Td className="font-mono text-xs" data-testid="vips-held">
                  {(m.vipsHeld ?? []).join(", ") || "none"}
                </Td>
                <Td className="text-xs" data-testid="member-drift">
                  <span className={m.drift === "drifted" ? "font-semibold text-amber-800 dark:text-amber-300" : ""}>
                    {m.drift === "drifted" && <span aria-hidden="true">≠ </span>}
                    {DRIFT[m.drift] ?? m.drift}
                    {m.drift === "drifted" ? ` (${m.changes} ${m.changes === 1 ? "change" : "changes"})` : ""}
                  </span>
                </Td>
              </Tr>
            );
          })}
        </TBody>
      </Table>
    </div>
  );
}
