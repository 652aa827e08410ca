"use client";
// DR readiness of each direct-routing service's real servers, as their realserver agents
// report it (VIP on lo, host route, ARP sysctls), with "Apply fix" through that agent. A
// summary line counts them; services and real servers that are not ready come first.
import type { ReadinessEntry, ReadinessView } from "@/protocol/dashboard/index.ts";
import { useAction } from "../hooks/use-action.ts";
import { useDirector } from "../hooks/use-director.ts";
import { type ServiceReadinessAnswer, useDirectorReadiness } from "../hooks/use-readiness.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { Table, TBody, Td, Tr } from "../ui/table.tsx";
import { useCan } from "../auth/session.tsx";
import { sortReadiness, summarizeReadiness } from "./sysctl-filter.ts";

const STATUS_TEXT: Record<ReadinessEntry["status"], string> = {
  ready: "ready",
  not_ready: "not ready",
  no_agent: "no realserver agent registered for this address",
  error: "check failed",
};

export function ReadinessPanel({ director }: { director: string }) {
  const { view, error } = useDirector(director);
  const drServices = view
    ? Object.values(view.services ?? {})
        .filter((s) => Object.values(s.destinations ?? {}).some((d) => d.config.forwarding === "route"))
        .map((s) => s.key)
        .sort()
    : null;
  const all = useDirectorReadiness(director, drServices);
  const recheck = () => void all.mutate();
  // failing services first (an unreadable one with them), then by key
  const answers = (all.data ?? []).map((a) => ({ a, sorted: a.view ? sortReadiness(a.view) : null }));
  answers.sort((x, y) => (x.sorted?.worst ?? 1) - (y.sorted?.worst ?? 1) || x.a.service.localeCompare(y.a.service));
  const views = answers.map((x) => x.sorted?.view).filter((v): v is ReadinessView => v !== undefined && v !== null);
  return (
    <section aria-labelledby="readiness-title" className="flex flex-col gap-3">
      <h2 id="readiness-title" className="text-lg font-semibold">
        Direct-routing readiness
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {drServices && drServices.length === 0 && <p className="text-sm text-zinc-500">No service of this director uses direct routing.</p>}
      {drServices && drServices.length > 0 && all.isLoading && <p className="text-sm text-zinc-500">Asking the real servers…</p>}
      {all.error ? <ErrorMessage error={all.error} /> : null}
      {all.data && <ReadinessSummaryLine views={views} unreadable={answers.filter((x) => x.a.error).length} busy={all.isValidating} onRecheck={recheck} />}
      {answers.map(({ a, sorted }) => (
        <ServiceReadiness key={a.service} answer={a} view={sorted?.view ?? null} busy={all.isValidating} onRecheck={recheck} />
      ))}
    </section>
  );
}

function ReadinessSummaryLine({ views, unreadable, busy, onRecheck }: { views: ReadinessView[]; unreadable: number; busy: boolean; onRecheck: () => void }) {
  const s = summarizeReadiness(views);
  const bad = s.notReady + s.failed + unreadable > 0;
  return (
    <div className={`rounded-lg border p-3 text-sm ${bad ? "border-red-300 dark:border-red-800" : "border-emerald-300 dark:border-emerald-800"}`} data-testid="readiness-summary">
      <div className="flex flex-wrap items-center gap-3">
        <p className={bad ? "font-semibold text-red-700 dark:text-red-400" : "font-semibold text-emerald-700 dark:text-emerald-400"}>
          {s.ready} of {s.total} direct-routing real servers ready
          {s.notReady ? `; ${s.notReady} not ready` : ""}
          {s.failed ? `; ${s.failed} ${s.failed === 1 ? "check" : "checks"} failed` : ""}
          {s.noAgent ? `; ${s.noAgent} without a realserver agent` : ""}
          {unreadable ? `; ${unreadable} ${unreadable === 1 ? "service" : "services"} could not be checked` : ""}
        </p>
        <Button size="sm" busy={busy} onClick={onRecheck}>
          Check all again
        </Button>
      </div>
      {s.problems.length > 0 && (
        <ul className="mt-1 list-disc pl-5 font-mono text-xs">
          {s.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ServiceReadiness({ answer, view, busy, onRecheck }: { answer: ServiceReadinessAnswer; view: ReadinessView | null; busy: boolean; onRecheck: () => void }) {
  return (
    <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid={`readiness-${answer.service}`}>
      <div className="mb-2 flex items-center gap-3">
        <h3 className="font-mono text-sm font-semibold">{answer.service}</h3>
        <Button size="sm" busy={busy} onClick={onRecheck}>
          Check again
        </Button>
      </div>
      {answer.error ? <ErrorMessage error={answer.error} /> : null}
      {view && view.realServers.length === 0 && <p className="text-sm text-zinc-500">No direct-routing real servers.</p>}
      {view?.realServers.map((rs) => (
        <RealServerReadiness key={rs.destination} entry={rs} vip={view.vip} onFixed={onRecheck} />
      ))}
    </div>
  );
}

function RealServerReadiness({ entry, vip, onFixed }: { entry: ReadinessEntry; vip: string | null; onFixed: () => void }) {
  const canOperate = useCan("operator");
  const fix = useAction(async () => {
    // the button shows only with both (below)
    if (entry.agent === null || vip === null) return null;
    const r = await api.readiness.fix({ body: { agent: entry.agent, vip } });
    onFixed();
    return r;
  });
  const report = entry.report ?? null;
  const ok = entry.status === "ready";
  return (
    <div className="border-t border-zinc-100 py-2 dark:border-zinc-800" data-testid={`readiness-rs-${entry.destination}`} data-status={entry.status}>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span className="font-mono">{entry.destination}</span>
        <span className={ok ? "text-emerald-700 dark:text-emerald-400" : entry.status === "no_agent" ? "text-zinc-500" : "text-red-700 dark:text-red-400"}>{STATUS_TEXT[entry.status]}</span>
        {entry.agent && <span className="text-xs text-zinc-500">agent {entry.agent}</span>}
        {entry.status === "not_ready" && entry.agent && vip && canOperate && (
          <Button size="sm" variant="primary" busy={fix.busy} onClick={() => void fix.run()}>
            Apply fix
          </Button>
        )}
      </div>
      {entry.error && <p className="font-mono text-xs text-red-700 dark:text-red-400">{entry.error}</p>}
      {report && (
        <Table density="inline-tight" className="mt-1 text-xs">
          <TBody>
            {report.checks.map((c) => (
              <Tr key={c.id}>
                <Td>{c.ok ? "✓" : "✗"}</Td>
                <Td>{c.title}</Td>
                <Td className="font-mono">
                  {c.current}
                  {c.ok ? "" : ` (expected ${c.expected})`}
                </Td>
                <Td bare className="font-mono text-zinc-500">
                  {!c.ok && c.fix ? c.fix.commands.map((cmd) => cmd.join(" ")).join("; ") : ""}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      {report && report.notes.length > 0 && <ul className="mt-1 list-disc pl-5 text-xs text-zinc-500">{report.notes.map((n) => <li key={n}>{n}</li>)}</ul>}
      {fix.result && !fix.error && (
        <p role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
          Applied: {fix.result.applied.join(", ") || "nothing to fix"}; now {fix.result.report.ready ? "ready" : "still not ready"}.
        </p>
      )}
      <ErrorMessage error={fix.error} />
    </div>
  );
}
