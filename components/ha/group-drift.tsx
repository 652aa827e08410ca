"use client";
// The group page's drift section: each member's table against the group's, as the ipvsadm-save
// diff; for admins "Make identical" (preview, then apply) and "Use <member>'s table for the
// group" (adopt: when the hand-made change is the one to keep).
import type { GroupView, MemberDrift } from "@/protocol/dashboard/index.ts";
import { RequireRole } from "../auth/session.tsx";
import { useGroupDrift } from "../hooks/use-group-drift.ts";
import { useAction } from "../hooks/use-action.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { DriftDiff } from "./drift-diff.tsx";
import { MakeIdentical } from "./make-identical.tsx";

export function GroupDriftSection({ name, group, onChanged }: { name: string; group: GroupView; onChanged: () => void }) {
  const { drift, error, mutate } = useGroupDrift(name, group);
  const refresh = () => {
    void mutate();
    onChanged();
  };
  if (!group.desired) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No desired table yet: nothing to compare.</p>;
  const members = drift ? Object.values(drift.members).sort((a, b) => a.director.localeCompare(b.director)) : [];
  const anyDrift = (group.drifted ?? []).length > 0 || members.some((m) => m.status === "drifted");
  return (
    <div className="flex flex-col gap-3">
      <ErrorMessage error={error} />
      {!drift && !error && <p className="text-sm text-zinc-600 dark:text-zinc-400">Comparing the members' tables…</p>}
      {members.map((m) => (
        <MemberDriftItem key={m.director} group={name} m={m} onChanged={refresh} />
      ))}
      {/* always mounted for admins: its result stays on screen once the drift is gone */}
      <RequireRole min="admin">
        <MakeIdentical group={name} drifted={anyDrift} onApplied={refresh} />
      </RequireRole>
    </div>
  );
}

function MemberDriftItem({ group, m, onChanged }: { group: string; m: MemberDrift; onChanged: () => void }) {
  const adopt = useAction(async () => {
    const r = await api.groups.adopt({ params: { group }, body: { director: m.director } });
    onChanged();
    return r;
  });
  const onAdopt = () => {
    if (window.confirm(`Make ${m.director}'s current table the desired table of ${group}? The other members then differ from it until made identical.`)) void adopt.run();
  };
  return (
    <section aria-label={`Drift of ${m.director}`} data-testid={`drift-${m.director}`} className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">{m.director}</span>
        <span data-testid="drift-status" className={m.status === "drifted" ? "font-semibold text-amber-800 dark:text-amber-300" : "text-zinc-600 dark:text-zinc-400"}>
          {m.status === "in_sync" ? "identical to the group's table" : m.status === "drifted" ? "differs from the group's table" : "cannot be compared now"}
        </span>
        {m.status === "drifted" && (
          <RequireRole min="admin">
            <Button size="sm" busy={adopt.busy} onClick={onAdopt}>
              Use {m.director}'s table for the group
            </Button>
          </RequireRole>
        )}
      </div>
      {(m.error ?? null) && <p className="text-xs text-red-700 dark:text-red-400">{m.error}</p>}
      <ErrorMessage error={adopt.error} />
      {m.status === "drifted" && <DriftDiff member={m.director} diff={m.diff ?? []} />}
    </section>
  );
}
