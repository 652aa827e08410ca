"use client";
// The audit log: who changed what on which director, newest first, with what changed inline
// ("10.0.0.11:80 weight 1 → 5", audit-diff.ts); searched and filtered on the server
// (audit-filters.tsx); "Older entries" pages back with the last id seen.
import { useState } from "react";
import { type AuditEntry, type AuditOutcome, auditErrorMessage, auditOutcome } from "@/protocol/dashboard/index.ts";
import { useAudit } from "../hooks/use-audit.ts";
import { useFleet } from "../hooks/use-fleet.ts";
import { useClock } from "../hooks/use-clock.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { url } from "../lib/api-client.ts";
import type { AuditFilter } from "../lib/paths.ts";
import { auditChangeLines, auditChanges } from "./audit-diff.ts";
import { AuditFilters, type AuditFilterState, auditQueryOf, NO_AUDIT_FILTERS } from "./audit-filters.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

/** the action filter's list (test/unit/ui-health-audit.test.ts reads it here) */
export { AUDIT_ACTIONS } from "./audit-filters.tsx";

/** GET /api/audit/export with the page's filters: every matching entry as a download. */
function exportHref(format: "csv" | "json", filters: AuditFilter): string {
  return url("GET /api/audit/export", { query: { ...filters, format } });
}

const LINK_BUTTON =
  "inline-flex h-8 items-center rounded-md border border-zinc-300 bg-white px-3 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-600 dark:bg-zinc-900 dark:hover:bg-zinc-800";

const PAGE = 100;

export function AuditLog() {
  const [filters, setFilters] = useState<AuditFilterState>(NO_AUDIT_FILTERS);
  const [before, setBefore] = useState<number[]>([]);
  const cursor = before[before.length - 1];
  const query = auditQueryOf(filters);
  const { entries, error, isLoading } = useAudit({ ...query, limit: PAGE, ...(cursor === undefined ? {} : { before: cursor }) });
  const { directors } = useFleet();
  const directorIds = Object.keys(directors ?? {}).sort();
  const rows = [...(entries ?? [])].sort((a, b) => b.id - a.id);
  const resetPaging = () => setBefore([]);
  const clock = useClock();

  return (
    <div className="flex flex-col gap-4">
      <form aria-label="Audit filters" className="flex flex-wrap gap-3" onSubmit={(e) => e.preventDefault()}>
        <AuditFilters
          value={filters}
          directors={directorIds}
          onChange={(next) => {
            setFilters(next);
            resetPaging();
          }}
        />
        <div className="flex items-end gap-2">
          <a className={LINK_BUTTON} href={exportHref("csv", query)} download>
            Export CSV
          </a>
          <a className={LINK_BUTTON} href={exportHref("json", query)} download>
            Export JSON
          </a>
        </div>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Loading…</p>}
      {entries && rows.length === 0 && (
        <p className="text-sm text-zinc-500" data-testid="audit-empty">
          {filters === NO_AUDIT_FILTERS ? "No entries." : "No entries match these filters."}
        </p>
      )}
      {rows.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <Table>
            <THead>
              <Tr bare>
                <Th>Time ({clock.label})</Th>
                <Th>User</Th>
                <Th>Action</Th>
                <Th>Director</Th>
                <Th>Target</Th>
                <Th>Change</Th>
                <Th>Result</Th>
              </Tr>
            </THead>
            <TBody>
              {rows.map((e) => (
                <AuditRow key={e.id} e={e} time={clock.dateTime(e.time)} />
              ))}
            </TBody>
          </Table>
        </div>
      )}
      <nav aria-label="Audit pages" className="flex gap-2">
        <Button size="sm" disabled={before.length === 0} onClick={() => setBefore((b) => b.slice(0, -1))}>
          Newer entries
        </Button>
        <Button size="sm" disabled={rows.length < PAGE} onClick={() => setBefore((b) => [...b, rows[rows.length - 1]!.id])}>
          Older entries
        </Button>
      </nav>
    </div>
  );
}

const OUTCOME_CLASS: Record<AuditOutcome, string> = {
  pending: "text-zinc-500",
  ok: "text-emerald-700 dark:text-emerald-400",
  failed: "text-red-700 dark:text-red-400",
  interrupted: "text-red-700 dark:text-red-400",
};

const KIND_CLASS = { "+": "text-emerald-700 dark:text-emerald-400", "-": "text-red-700 dark:text-red-400", "~": "" } as const;

function AuditRow({ e, time }: { e: AuditEntry; time: string }) {
  const outcome = auditOutcome(e);
  // an interrupted entry's reason is the whole story (no agent answer), so it is shown inline
  const reason = outcome === "interrupted" ? auditErrorMessage(e) : null;
  const { shown, more } = auditChangeLines(auditChanges(e));
  return (
    <Tr className="align-top" data-testid={`audit-${e.id}`}>
      <Td className="font-mono text-xs whitespace-nowrap">{time}</Td>
      <Td>{e.user}</Td>
      <Td className="font-mono text-xs">{e.action}</Td>
      <Td>{e.director ?? "—"}</Td>
      <Td className="font-mono text-xs">{e.target ?? "—"}</Td>
      <Td className="text-xs" data-testid="audit-change">
        {shown.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines of one entry never reorder
          <p key={i} className={`font-mono ${KIND_CLASS[c.kind]}`}>
            {c.kind === "~" ? "" : `${c.kind} `}
            {c.text}
          </p>
        ))}
        {more > 0 && <p className="text-zinc-500">+{more} more (details)</p>}
      </Td>
      <Td>
        <span className={OUTCOME_CLASS[outcome]}>{outcome}</span>
        {reason && <p className="max-w-xs text-xs text-red-700 dark:text-red-400">{reason}</p>}
        <details className="text-xs">
          <summary className="cursor-pointer text-zinc-500">details</summary>
          <pre className="max-w-xl overflow-auto whitespace-pre-wrap">{JSON.stringify({ request: e.request ?? null, result: e.result ?? null, before: e.before ?? null, after: e.after ?? null }, null, 2)}</pre>
        </details>
      </Td>
    </Tr>
  );
}
