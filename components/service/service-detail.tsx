"use client";
// The service page: the service with its real servers and drain controls (live from the
// director's topic), the topology picture, the health checks (history, latency) and the
// traffic charts.
import Link from "next/link";
import { parseServiceKeyString } from "@/protocol/dashboard/index.ts";
import { compareDestinationKeysNumeric } from "@/protocol/rules-diff.ts";
import { DirectorVersionContext } from "../director/director-version.ts";
import { ServiceCard } from "./service-card.tsx";
import { useDirector } from "../hooks/use-director.ts";
import { pages } from "../lib/paths.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { ServiceHealth } from "../health/service-health.tsx";
import { ServiceCharts } from "./service-charts.tsx";
import { Topology } from "./topology.tsx";

export function ServiceDetail({ director, service }: { director: string; service: string }) {
  const { view, error, isLoading } = useDirector(director);
  const key = parseServiceKeyString(service);
  if (!key) return <ErrorMessage error={new Error(`"${service}" is not a service key (e.g. tcp:10.0.0.1:80, fwmark:ipv4:1)`)} />;
  const svc = view?.services?.[service];
  const vip = key.protocol === "fwmark" ? `fwmark ${key.fwmark} (${key.family})` : service.slice(service.indexOf(":") + 1);
  const dests = svc ? Object.values(svc.destinations ?? {}).sort((a, b) => compareDestinationKeysNumeric(a, b)) : [];
  return (
    <div className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href={pages.director(director)} className="text-sky-700 hover:underline dark:text-sky-400">
          ← all services of {director}
        </Link>
      </p>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Loading…</p>}
      {view && !svc && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {director} has no service {service} (any more).
        </p>
      )}
      {svc && (
        <>
          <DirectorVersionContext.Provider value={view?.version}>
            <ServiceCard director={director} group={view?.director.group ?? ""} svc={svc} />
          </DirectorVersionContext.Provider>
          <section aria-labelledby="topology-title">
            <h2 id="topology-title" className="mb-2 text-lg font-semibold">
              Topology
            </h2>
            <Topology vip={vip} dests={dests} />
          </section>
          <ServiceHealth director={director} service={service} />
        </>
      )}
      <ServiceCharts director={director} service={service} />
    </div>
  );
}
