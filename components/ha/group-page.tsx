"use client";
// An HA group's page: the group as one object. Its members and their VRRP state, which member
// holds each VIP, the group's desired table with group-wide changes, and each member's drift
// from it with "Make identical".
import type { GroupView } from "@/protocol/dashboard/index.ts";
import { useFleet } from "../hooks/use-fleet.ts";
import { useGroup } from "../hooks/use-group.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { GroupDriftSection } from "./group-drift.tsx";
import { GroupMembers } from "./group-members.tsx";
import { GroupTable } from "./group-table.tsx";

export function GroupPage({ name }: { name: string }) {
  const { group, detail, error, isLoading, mutate } = useGroup(name);
  const { directors } = useFleet();
  const refresh = () => void mutate();
  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold">
          HA group {name}
        </h1>
        {group && <GroupSummary group={group} />}
      </div>
      <ErrorMessage error={error} />
      {isLoading && !group && <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the group…</p>}
      {group && (
        <section aria-labelledby="members-title">
          <h2 id="members-title" className="mb-2 text-lg font-semibold">Members</h2>
          <GroupMembers group={group} directors={directors} />
        </section>
      )}
      {detail && (
        <section aria-labelledby="table-title">
          <h2 id="table-title" className="mb-2 text-lg font-semibold">The group's table</h2>
          <GroupTable name={name} detail={detail} onChanged={refresh} />
        </section>
      )}
      {group && (
        <section aria-labelledby="drift-title" id="drift">
          <h2 id="drift-title" className="mb-2 text-lg font-semibold">Drift</h2>
          <GroupDriftSection name={name} group={group} onChanged={refresh} />
        </section>
      )}
    </div>
  );
}

function GroupSummary({ group }: { group: GroupView }) {
  const vips = Object.entries(group.vipOwners ?? {});
  return (
    <div className="flex flex-col gap-1 text-sm">
      <p className="text-zinc-600 dark:text-zinc-400">
        MASTER: <span className="font-medium text-zinc-900 dark:text-zinc-100" data-testid="group-master">{group.master ?? "none"}</span>
        {(group.drifted ?? []).length > 0 && <span className="ml-3 font-semibold text-amber-800 dark:text-amber-300">drifted: {group.drifted.join(", ")}</span>}
      </p>
      {group.splitBrain && (
        <p role="alert" className="font-semibold text-red-700 dark:text-red-400">
          Split brain: more than one member is MASTER for the same virtual router.
        </p>
      )}
      {vips.length > 0 && (
        <ul className="flex flex-wrap gap-x-4 text-xs" data-testid="group-vip-owners">
          {vips.map(([vip, owner]) => (
            <li key={vip} data-testid={`group-vip-${vip}`} className={owner ?? null ? "" : "font-semibold text-red-700 dark:text-red-400"}>
              <span className="font-mono">{vip}</span> → {owner ?? "nobody"}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
