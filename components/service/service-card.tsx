"use client";
// One virtual service on the director page: its key and options, live totals, its real
// servers (one column grid for every card: service-columns.tsx), and the edit / delete /
// add-real-server actions (Delete in outline style, out of the primary path).
import Link from "next/link";
import { useState } from "react";
import { destinationKeyString, parseServiceKeyString, type ServiceView } from "@/protocol/dashboard/index.ts";
import { compareDestinationKeysNumeric } from "@/protocol/rules-diff.ts";
import { useAction } from "../hooks/use-action.ts";
import { formatBitRate, formatCount, formatSi } from "../lib/format.ts";
import { api } from "../lib/api-client.ts";
import { pages } from "../lib/paths.ts";
import { directorTable } from "../lib/table-api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { Table, TBody } from "../ui/table.tsx";
import { DestinationForm } from "./destination-form.tsx";
import { DestinationRow } from "./destination-row.tsx";
import { useDirectorVersion, withBaseVersion } from "../director/director-version.ts";
import { ServiceForm } from "./service-form.tsx";
import { describeService } from "./service-summary.ts";
import { RequireRole } from "../auth/session.tsx";
import { HeldOutRow } from "../health/held-out-row.tsx";
import { heldOut } from "../health/health-state.ts";
import { RealServerChecksEditor } from "../health/rs-checks-editor.tsx";
import { ServiceChecksEditor } from "../health/service-checks-editor.tsx";
import { useHealth } from "../hooks/use-health.ts";
import { useReadiness } from "../hooks/use-readiness.ts";
import { trafficShares } from "./topology-layout.ts";
import { RS_COLUMN_COUNT, RsColumnsHead } from "./service-columns.tsx";


export function ServiceCard({ director, group, svc }: { director: string; group: string; svc: ServiceView }) {
  const [mode, setMode] = useState<"view" | "edit" | "add">("view");
  // a real server just added: its checks' editor follows the form
  const [added, setAdded] = useState<string | null>(null);
  const version = useDirectorVersion();
  const del = useAction(() => api.services.remove({ params: { id: director, service: svc.key }, body: withBaseVersion({}, version) }));
  const health = useHealth(director).view?.services?.[svc.key];
  // DR readiness only where a real server uses direct routing (one request per such card)
  const dr = Object.values(svc.destinations ?? {}).some((d) => d.config.forwarding === "route");
  const readiness = useReadiness(director, dr ? svc.key : null).data;
  const key = parseServiceKeyString(svc.key);
  if (!key) return null; // the server names services with serviceKeyString; anything else is not ours to show
  const dests = Object.values(svc.destinations ?? {}).sort((a, b) => compareDestinationKeysNumeric(a, b));
  // removed from the kernel by health: still listed, as down, from the health view
  const held = heldOut(health, dests.map((d) => d.key));
  const persistent = (svc.config.persistence ?? null) !== null;
  const shares = trafficShares(dests);
  const readinessOf = (dest: string) => readiness?.realServers.find((r) => r.destination === dest)?.status;
  const t = svc.traffic;
  const onDelete = () => {
    if (window.confirm(`Delete service ${svc.key} and its ${dests.length} real servers?`)) void del.run();
  };

  return (
    <section aria-label={`Service ${svc.key}`} data-testid={`service-${svc.key}`} className="rounded-lg border border-zinc-200 dark:border-zinc-800">
      <header className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <Link href={pages.service(director, svc.key)} className="font-mono font-semibold text-sky-700 hover:underline dark:text-sky-400">
          {svc.key}
        </Link>
        <span className="text-xs text-zinc-500">{describeService(svc.config)}</span>
        <span className="ml-auto text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
          {formatSi(t.cps)} conn/s · {formatBitRate(t.inBps + t.outBps)} · {formatCount(t.activeConns)} active
        </span>
        <RequireRole min="operator">
        <div className="flex gap-1">
          <Button size="sm" onClick={() => setMode(mode === "edit" ? "view" : "edit")} aria-expanded={mode === "edit"} aria-label={`Edit service ${svc.key}`}>
            Edit
          </Button>
          <Button size="sm" onClick={() => { setMode(mode === "add" && added === null ? "view" : "add"); setAdded(null); }} aria-expanded={mode === "add" && added === null}>
            Add real server
          </Button>
          <Button size="sm" variant="outline-danger" busy={del.busy} onClick={onDelete} aria-label={`Delete service ${svc.key}`}>
              Delete
            </Button>
        </div>
        </RequireRole>
      </header>
      <ErrorMessage error={del.error} className="m-2" />
      {mode === "edit" && (
        <div className="p-3">
          <ServiceForm table={directorTable(director)} existing={{ key, config: svc.config }} onDone={() => setMode("view")} />
          <div className="mt-3">
            <ServiceChecksEditor director={director} service={svc.key} port={key.protocol === "fwmark" ? 0 : key.port} />
          </div>
        </div>
      )}
      {mode === "add" && (
        <div className="p-3">
          {added === null ? (
            <DestinationForm table={directorTable(director)} service={key} onDone={(d) => (d ? setAdded(destinationKeyString(d.key)) : setMode("view"))} />
          ) : (
            <div className="flex flex-col gap-2">
              <p className="text-sm">Real server {added} added. Its health checks (optional):</p>
              <RealServerChecksEditor director={director} service={svc.key} dest={added} />
              <div>
                <Button onClick={() => { setAdded(null); setMode("view"); }}>Done</Button>
              </div>
            </div>
          )}
        </div>
      )}
      {dests.length === 0 && held.length === 0 ? (
        <p className="px-3 py-2 text-sm text-zinc-500">No real servers.</p>
      ) : (
        <div className="overflow-x-auto">
          <Table className="w-full min-w-[72rem] table-fixed text-sm">
            <RsColumnsHead />
            <TBody>
              {dests.map((d) => (
                <DestinationRow
                  key={d.key}
                  director={director}
                  group={group}
                  service={svc.key}
                  serviceKey={key}
                  persistent={persistent}
                  dest={d}
                  health={health?.realServers?.[d.key]}
                  share={shares.get(d.key)!}
                  readiness={readinessOf(d.key)}
                />
              ))}
              {held.map((rs) => (
                <HeldOutRow key={rs.key} director={director} service={svc.key} rs={rs} columns={RS_COLUMN_COUNT} />
              ))}
            </TBody>
          </Table>
        </div>
      )}
    </section>
  );
}
