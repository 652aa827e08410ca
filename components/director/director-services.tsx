"use client";
// The director page's body: its services (live from topic "director:<id>"), the service
// creation form, and import/export of ipvsadm rules. A realserver agent has no IPVS table: its
// page is its ARP sysctls instead, without Create service / Import / Export.
import { useState } from "react";
import { parseServiceKeyString, type ServiceView } from "@/protocol/dashboard/index.ts";
import { compareServiceKeysNumeric } from "@/protocol/rules-diff.ts";
import { useDirector } from "../hooks/use-director.ts";
import { directorTable } from "../lib/table-api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { DirectorVersionContext } from "./director-version.ts";
import { ExportButton } from "./export-button.tsx";
import { RulesImport } from "./rules-import.tsx";
import { ServiceCard } from "../service/service-card.tsx";
import { ServiceForm } from "../service/service-form.tsx";
import { RequireRole } from "../auth/session.tsx";
import { AgentArpSettings, AgentReadinessPanel } from "./agent-readiness-panel.tsx";
import { useIsRealServerAgent } from "./director-gate.tsx";

export function sortServices<T extends Pick<ServiceView, "key">>(services: Iterable<T>): T[] {
  const keyed = [...services].map((s) => ({ s, k: parseServiceKeyString(s.key) }));
  return keyed
    .sort((a, b) => (a.k && b.k ? compareServiceKeysNumeric(a.k, b.k) : a.s.key.localeCompare(b.s.key)))
    .map((x) => x.s);
}

export function DirectorServices({ id }: { id: string }) {
  const { view, error, isLoading } = useDirector(id);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const services = view ? sortServices(Object.values(view.services ?? {})) : [];
  const group = view?.director.group ?? "";
  const rs = useIsRealServerAgent(id);
  if (rs) return <RealServerAgentBody id={id} />;

  return (
    <DirectorVersionContext.Provider value={view?.version}>
      <div className="flex flex-col gap-4">
        <div className="flex flex-wrap gap-2">
          <RequireRole min="operator">
            <Button variant="primary" onClick={() => setCreating((c) => !c)} aria-expanded={creating}>
              Create service
            </Button>
            <Button onClick={() => setImporting((i) => !i)} aria-expanded={importing}>
              Import
            </Button>
          </RequireRole>
          <ExportButton director={id} />
          <ExportButton director={id} format="keepalived" />
        </div>
        {creating && <ServiceForm table={directorTable(id)} onDone={() => setCreating(false)} />}
        {importing && (
          <section aria-label="Import ipvsadm rules" className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
            <h2 className="mb-2 font-semibold">Import ipvsadm rules</h2>
            <RulesImport director={id} />
          </section>
        )}
        {error ? <ErrorMessage error={error} /> : null}
        {isLoading && <p className="text-sm text-zinc-500">Loading services…</p>}
        {view && services.length === 0 && <p className="text-sm text-zinc-500">No virtual services on this director.</p>}
        {services.map((s) => (
          <ServiceCard key={s.key} director={id} group={group} svc={s} />
        ))}
      </div>
    </DirectorVersionContext.Provider>
  );
}

function RealServerAgentBody({ id }: { id: string }) {
  return (
    <section aria-label="Realserver agent" className="flex flex-col gap-6" data-testid="rs-agent-page">
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        A realserver agent: a DR real server's host, with no IPVS table of its own. Below are its ARP settings and its DR readiness for the
        VIPs the directors send to it; all its sysctls are on the Sysctls tab.
      </p>
      <AgentReadinessPanel id={id} />
      <AgentArpSettings id={id} />
    </section>
  );
}
