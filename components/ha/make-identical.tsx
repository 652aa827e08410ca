"use client";
// "Make identical" (admins): first the preview (a dry run: exactly the service and real-server
// changes each member would get, nothing changed, no audit entry), then "Apply" against the
// group table version the preview was made on. The result names each member's outcome and,
// for a member that refused, its error; a refused member's partial changes are rolled back.
import { useEffect } from "react";
import type { MakeIdenticalResult } from "@/protocol/dashboard/index.ts";
import { changeRows } from "../director/rules-changes.ts";
import { useAction } from "../hooks/use-action.ts";
import { errorHint } from "../lib/api.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";

type MemberResult = MakeIdenticalResult["members"][string];

const STATUS: Record<MemberResult["status"], string> = {
  unchanged: "already identical",
  would_change: "would change",
  changed: "made identical",
  failed: "refused (its changes were rolled back)",
};

export function MakeIdentical({ group, drifted, onApplied }: { group: string; drifted: boolean; onApplied: () => void }) {
  const preview = useAction(() => api.groups.identical({ params: { group }, body: { dryRun: true } }));
  const apply = useAction(async (p: MakeIdenticalResult) => {
    const members = Object.values(p.members).filter((m) => m.status === "would_change").map((m) => m.director);
    const r = await api.groups.identical({ params: { group }, body: { dryRun: false, members, baseVersion: p.version } });
    onApplied();
    return r;
  });
  // a new drift after a run: the old preview and result no longer describe the tables
  const { reset: resetPreview } = preview;
  const { reset: resetApply } = apply;
  useEffect(() => {
    if (!drifted) return;
    resetApply();
    resetPreview();
  }, [drifted, resetApply, resetPreview]);
  const p = preview.result;
  const toChange = p ? Object.values(p.members).filter((m) => m.status === "would_change") : [];
  return (
    <section aria-label="Make identical" className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
      <h3 className="font-semibold">Make identical</h3>
      <p className="text-xs text-zinc-600 dark:text-zinc-400">
        {drifted ? "" : "Every member looks identical now. "}Changes every drifted member's table to the group's, rule by rule (no flush: untouched services keep their connections).
      </p>
      <div className="flex gap-2">
        <Button busy={preview.busy} onClick={() => { apply.reset(); void preview.run(); }}>
          Preview make identical
        </Button>
        <Button variant="warning" busy={apply.busy} disabled={!p || toChange.length === 0 || apply.result !== undefined} onClick={() => p && void apply.run(p)}>
          Apply
        </Button>
      </div>
      <ErrorMessage error={preview.error ?? apply.error} />
      {p && !apply.result && (
        <section aria-label="Make identical preview" data-testid="identical-preview">
          {toChange.length === 0 ? <p className="text-sm">Every member is already identical to the group's table.</p> : null}
          {Object.values(p.members).map((m) => (
            <MemberOutcome key={m.director} m={m} />
          ))}
        </section>
      )}
      {apply.result && (
        <div role="status" data-testid="identical-result">
          {Object.values(apply.result.members).map((m) => (
            <MemberOutcome key={m.director} m={m} />
          ))}
        </div>
      )}
    </section>
  );
}

function MemberOutcome({ m }: { m: MemberResult }) {
  const rows = changeRows(m.changes ?? []);
  const error = m.error ?? null;
  return (
    <div className="mt-1 text-sm" data-testid={`identical-${m.director}`}>
      <p>
        <span className="font-medium">{m.director}</span>: <span data-testid="identical-status">{STATUS[m.status] ?? m.status}</span>
        {m.status === "changed" || m.status === "failed" ? ` (${m.applied} of ${rows.length} changes applied)` : rows.length > 0 ? ` (${rows.length} ${rows.length === 1 ? "change" : "changes"})` : ""}
      </p>
      {error && (
        <p role="alert" className="font-mono text-xs text-red-700 dark:text-red-400">
          {error.code}: {error.message}
          <span className="ml-1 font-sans">{errorHint(error.code)}</span>
        </p>
      )}
      {rows.length > 0 && (
        <ul className="ml-4 font-mono text-xs">
          {rows.map((r) => (
            <li key={`${r.kind}-${r.service}-${r.destination ?? ""}`}>
              {r.kind === "added" ? "+ add" : r.kind === "removed" ? "- delete" : "~ change"} {r.what} {r.service}
              {r.destination ? ` → ${r.destination}` : ""}
              {r.fields.length > 0 ? ` (${r.fields.join(", ")})` : ""}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
