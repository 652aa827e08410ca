"use client";
// The service page's health section: whether the agent runs checks and how current they are
// (the link's health status), the pool (quorum up, live weight, sorry server in use), the
// transition history and the check latency chart.
import { useHealth } from "../hooks/use-health.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { HealthHistory } from "./health-history.tsx";
import { healthStatusNote } from "./health-state.ts";
import { LatencyChart } from "./latency-chart.tsx";

export function ServiceHealth({ director, service }: { director: string; service: string }) {
  const { view, error } = useHealth(director);
  const svc = view?.services?.[service];
  const note = healthStatusNote(view);
  return (
    <section aria-labelledby="health-title" className="flex flex-col gap-3" data-testid="service-health">
      <h2 id="health-title" className="text-lg font-semibold">
        Health checks
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {note && (
        <p className="text-sm text-zinc-500" data-testid="health-note">
          {note}
        </p>
      )}
      {view && view.status !== "none" && !svc && <p className="text-sm text-zinc-500">No health checks on this service: add them with a real server's Edit.</p>}
      {svc && (
        <>
          <p className="text-sm" data-testid="health-pool">
            {svc.quorumUp ? "Quorum up" : <span className="font-semibold text-red-700 dark:text-red-400">Quorum down</span>} · live weight {svc.liveWeight} (the checked real servers' weights that are up; quorum counts only these)
            {svc.sorryServerActive ? " · sorry server in use" : ""}
          </p>
          <h3 className="font-semibold">Transitions</h3>
          <HealthHistory svc={svc} />
          <LatencyChart director={director} service={service} />
        </>
      )}
    </section>
  );
}
