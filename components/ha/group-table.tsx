"use client";
// An HA group's desired table: the one IPVS table every member should carry, with the
// group-wide "Create service" and each service's actions. The forms send the desired table's
// version as baseVersion (the DirectorVersionContext they already read), so an edit made
// against a group table that changed since is refused with 409.
import { useState } from "react";
import type { GroupDetailView } from "@/protocol/dashboard/index.ts";
import { RequireRole } from "../auth/session.tsx";
import { DirectorVersionContext } from "../director/director-version.ts";
import { sortServices } from "../director/director-services.tsx";
import { ServiceForm } from "../service/service-form.tsx";
import { useClock } from "../hooks/use-clock.ts";
import { groupTable } from "../lib/table-api.ts";
import { Button } from "../ui/button.tsx";
import { GroupServiceCard } from "./group-service-card.tsx";

const SOURCE: Record<string, string> = {
  "seeded-master": "copied from the VRRP MASTER",
  "seeded-first": "copied from the first member (no member was MASTER)",
  adopted: "adopted from a member by an admin",
  changed: "changed group-wide",
};

export function GroupTable({ name, detail, onChanged }: { name: string; detail: GroupDetailView; onChanged: () => void }) {
  const [creating, setCreating] = useState(false);
  const { dateTime } = useClock();
  const desired = detail.desired ?? null;
  const summary = detail.group.desired ?? null;
  if (!desired) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">The group has no desired table yet: it is copied from the VRRP MASTER once a member is online with its table and HA state.</p>;
  }
  const services = sortServices(Object.values(desired.services ?? {}));
  return (
    <DirectorVersionContext.Provider value={desired.version}>
      <div className="flex flex-col gap-3">
        {summary && (
          <p className="text-xs text-zinc-600 dark:text-zinc-400">
            {summary.serviceCount} services, {summary.destinationCount} real servers; {SOURCE[summary.source] ?? summary.source}
            {summary.from ? ` (${summary.from})` : ""}, last changed {dateTime(summary.updatedAt)}. A change here is made on every member, or on none.
          </p>
        )}
        <RequireRole min="operator">
          <div>
            <Button variant="primary" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
              Create service
            </Button>
          </div>
        </RequireRole>
        {creating && (
          <ServiceForm
            table={groupTable(name)}
            onDone={() => {
              setCreating(false);
              onChanged();
            }}
          />
        )}
        {services.length === 0 && <p className="text-sm text-zinc-600 dark:text-zinc-400">No virtual services in the group's table.</p>}
        {services.map((s) => (
          <GroupServiceCard key={s.key} group={name} svc={s} onChanged={onChanged} />
        ))}
      </div>
    </DirectorVersionContext.Provider>
  );
}
