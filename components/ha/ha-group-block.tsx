"use client";
// The fleet overview's block for one HA group: each member's VRRP state (badge and since when),
// the VIPs it holds, keepalived's problems and a drift marker when its table differs from the
// group's; then which member holds each VIP. States come from the "fleet" topic (the same as
// the rows below), drift from the "groups" topic.
import Link from "next/link";
import type { DirectorView, GroupMemberView, GroupView } from "@/protocol/dashboard/index.ts";
import { pages } from "../lib/paths.ts";
import { useTimeZone } from "../hooks/use-clock.ts";
import { formatStateSince } from "./ha-time.ts";
import { KeepalivedProblem } from "./keepalived-problem.tsx";
import { useNow } from "./use-now.ts";
import { VrrpBadge } from "./vrrp-badge.tsx";
import { haStatusNote, lastChange, type VipOwnership, vipOwnership } from "./vrrp-state.ts";

/** Whether a group has anything to show here: a member with HA state beyond "no HA support". */
export function hasHa(directors: readonly DirectorView[]): boolean {
  return directors.some((d) => d.role === "director" && (d.ha ?? null) !== null && d.ha!.status !== "none");
}

export function HaGroupBlock({ name, directors, view }: { name: string; directors: readonly DirectorView[]; view: GroupView | undefined }) {
  const now = useNow();
  const members = directors.filter((d) => d.role === "director");
  const owners = vipOwnership(members.map((d) => ({ member: d.name, instances: Object.values(d.ha?.instances ?? {}) })));
  const split = owners.some((o) => o.problem === "split") || (view?.splitBrain ?? false);
  return (
    <div data-testid={`ha-group-${name}`} className="mb-2 flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="font-semibold">VRRP</span>
        <Link href={pages.group(name)} className="text-sky-700 hover:underline dark:text-sky-400">
          Group page: table, drift, make identical
        </Link>
        {split && (
          <span role="alert" className="rounded bg-red-100 px-1.5 text-xs font-semibold text-red-900 dark:bg-red-900 dark:text-red-100">
            Split brain: more than one member holds the same VIP or is MASTER
          </span>
        )}
      </div>
      <ul className="grid gap-2 sm:grid-cols-2">
        {members.map((d) => (
          <MemberItem key={d.id} group={name} d={d} member={view?.members?.[d.id]} now={now} />
        ))}
      </ul>
      <VipOwners owners={owners} />
    </div>
  );
}

function MemberItem({ group, d, member, now }: { group: string; d: DirectorView; member: GroupMemberView | undefined; now: number }) {
  const zone = useTimeZone();
  const ha = d.ha ?? null;
  const instances = Object.values(ha?.instances ?? {});
  const role = ha?.role ?? null;
  const since = lastChange(instances);
  const note = ha ? haStatusNote(ha.status, ha.error ?? null) : "no HA state";
  return (
    <li data-testid={`ha-member-${d.id}`} className="flex flex-col gap-1 rounded-md bg-zinc-50 p-2 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center gap-2">
        <Link href={pages.director(d.id)} className="font-medium text-sky-700 hover:underline dark:text-sky-400">
          {d.name}
        </Link>
        <VrrpBadge state={role} />
        <span className="text-xs text-zinc-600 dark:text-zinc-400" suppressHydrationWarning>
          {role && now ? formatStateSince(role, since, now, zone) : ""}
        </span>
        <DriftMarker group={group} member={member} />
      </div>
      {note && <p className="text-xs text-zinc-600 dark:text-zinc-400">{note}</p>}
      <p className="text-xs" data-testid="vips-held">
        {(ha?.vipsHeld ?? []).length > 0 ? `holds ${ha!.vipsHeld.join(", ")}` : "holds no VIP"}
      </p>
      <KeepalivedProblem member={d.name} keepalived={ha?.keepalived ?? null} />
    </li>
  );
}

function DriftMarker({ group, member }: { group: string; member: GroupMemberView | undefined }) {
  if (member?.drift !== "drifted") return null;
  return (
    <Link
      href={`${pages.group(group)}#drift`}
      data-testid="drift-marker"
      className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900 hover:underline dark:bg-amber-900 dark:text-amber-100"
    >
      <span aria-hidden="true">≠ </span>table differs from the group's ({member.changes} {member.changes === 1 ? "change" : "changes"})
    </Link>
  );
}

function VipOwners({ owners }: { owners: readonly VipOwnership[] }) {
  if (owners.length === 0) return null;
  return (
    <div className="text-xs">
      <h3 className="mb-1 font-semibold text-zinc-600 dark:text-zinc-400">Virtual IPs</h3>
      <ul className="flex flex-wrap gap-x-4 gap-y-1" data-testid="vip-owners">
        {owners.map((o) => (
          <li key={o.vip} data-testid={`vip-${o.vip}`} className={o.problem ? "font-semibold text-red-700 dark:text-red-400" : ""}>
            <span className="font-mono">{o.vip}</span> →{" "}
            <span data-testid="vip-holder">
              {o.problem === "unheld" ? "nobody (no MASTER)" : o.holders.join(" and ")}
              {o.problem === "split" ? " (split brain)" : ""}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
