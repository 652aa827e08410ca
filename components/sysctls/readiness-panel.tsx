"use client";
// DR readiness of each direct-routing service's real servers, as their realserver agents
// report it (VIP on lo, host route, ARP sysctls), with "Apply fix" through that agent.
import type { ReadinessEntry, ReadinessFixResult } from "../../protocol/dashboard.ts";
import { useAction } from "../hooks/use-action.ts";
import { useDirector } from "../hooks/use-director.ts";
import { useReadiness } from "../hooks/use-readiness.ts";
import { sendJson } from "../lib/api.ts";
import { api } from "../lib/paths.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { useCan } from "../auth/session.tsx";

const STATUS_TEXT: Record<ReadinessEntry["status"], string> = {
  ready: "ready",
  not_ready: "not ready",
  no_agent: "no realserver agent registered for this address",
  error: "check failed",
};

export function ReadinessPanel({ director }: { director: string }) {
  const { view, error } = useDirector(director);
  const drServices = Object.values(view?.services ?? {})
    .filter((s) => Object.values(s.destinations ?? {}).some((d) => d.config.forwarding === "route"))
    .map((s) => s.key)
    .sort();
  return (
    <section aria-labelledby="readiness-title" className="flex flex-col gap-3">
      <h2 id="readiness-title" className="text-lg font-semibold">
        Direct-routing readiness
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {view && drServices.length === 0 && <p className="text-sm text-zinc-500">No service of this director uses direct routing.</p>}
      {drServices.map((s) => (
        <ServiceReadiness key={s} director={director} service={s} />
      ))}
    </section>
  );
}

function ServiceReadiness({ director, service }: { director: string; service: string }) {
  const { data, error, isLoading, mutate, isValidating } = useReadiness(director, service);
  return (
    <div className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800" data-testid={`readiness-${service}`}>
      <div className="mb-2 flex items-center gap-3">
        <h3 className="font-mono text-sm font-semibold">{service}</h3>
        <Button size="sm" busy={isValidating} onClick={() => void mutate()}>
          Check again
        </Button>
      </div>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Asking the real servers…</p>}
      {data && data.realServers.length === 0 && <p className="text-sm text-zinc-500">No direct-routing real servers.</p>}
      {data?.realServers.map((rs) => (
        <RealServerReadiness key={rs.destination} entry={rs} vip={data.vip} onFixed={() => void mutate()} />
      ))}
    </div>
  );
}

function RealServerReadiness({ entry, vip, onFixed }: { entry: ReadinessEntry; vip: string | null; onFixed: () => void }) {
  const canOperate = useCan("operator");
  const fix = useAction(async () => {
    const r = await sendJson<ReadinessFixResult>("POST", api.readinessFix(), { agent: entry.agent, vip });
    onFixed();
    return r;
  });
  const report = entry.report ?? null;
  const ok = entry.status === "ready";
  return (
    <div className="border-t border-zinc-100 py-2 dark:border-zinc-800" data-testid={`readiness-rs-${entry.destination}`}>
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
        <table className="mt-1 text-xs">
          <tbody>
            {report.checks.map((c) => (
              <tr key={c.id}>
                <td className="pr-3">{c.ok ? "✓" : "✗"}</td>
                <td className="pr-3">{c.title}</td>
                <td className="pr-3 font-mono">
                  {c.current}
                  {c.ok ? "" : ` (expected ${c.expected})`}
                </td>
                <td className="font-mono text-zinc-500">{!c.ok && c.fix ? c.fix.commands.map((cmd) => cmd.join(" ")).join("; ") : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
