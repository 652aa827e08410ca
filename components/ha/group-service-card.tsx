"use client";
// One service of an HA group's desired table with its real servers, and the group-wide
// actions: edit, add a real server, delete, and per real server edit and delete. Each change
// goes to /api/groups/:group/services... and is applied to every member (rolled back on all if
// one refuses: ErrorMessage then names the member). The forms are the director page's.
import { useState } from "react";
import { type DesiredService, parseServiceKeyString } from "@/protocol/dashboard/index.ts";
import { compareDestinationKeysNumeric } from "@/protocol/rules-diff.ts";
import { RequireRole, useCan } from "../auth/session.tsx";
import { DestinationForm } from "../service/destination-form.tsx";
import { useDirectorVersion, withBaseVersion } from "../director/director-version.ts";
import { ServiceForm } from "../service/service-form.tsx";
import { describeForwarding, describeService, describeThresholds } from "../service/service-summary.ts";
import { useAction } from "../hooks/use-action.ts";
import { groupTable } from "../lib/table-api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

type DesiredDestination = DesiredService["destinations"][string];

export function GroupServiceCard({ group, svc, onChanged }: { group: string; svc: DesiredService; onChanged: () => void }) {
  const [mode, setMode] = useState<"view" | "edit" | "add">("view");
  const table = groupTable(group);
  const version = useDirectorVersion();
  const del = useAction(() => table.removeService(svc.key, withBaseVersion({}, version)));
  const key = parseServiceKeyString(svc.key);
  if (!key) return null;
  const dests = Object.values(svc.destinations ?? {}).sort((a, b) => compareDestinationKeysNumeric(a, b));
  const done = () => {
    setMode("view");
    onChanged();
  };
  const onDelete = async () => {
    if (!window.confirm(`Delete service ${svc.key} and its ${dests.length} real servers on every member of ${group}?`)) return;
    if ((await del.run()) !== undefined) onChanged();
  };
  return (
    <section aria-label={`Group service ${svc.key}`} data-testid={`group-service-${svc.key}`} className="rounded-lg border border-zinc-200 dark:border-zinc-800">
      <header className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <span className="font-mono font-semibold">{svc.key}</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{describeService(svc.config)}</span>
        <RequireRole min="operator">
          <div className="ml-auto flex gap-1">
            <Button size="sm" onClick={() => setMode(mode === "edit" ? "view" : "edit")} aria-expanded={mode === "edit"} aria-label={`Edit service ${svc.key}`}>
              Edit
            </Button>
            <Button size="sm" onClick={() => setMode(mode === "add" ? "view" : "add")} aria-expanded={mode === "add"}>
              Add real server
            </Button>
            <Button size="sm" variant="outline-danger" busy={del.busy} onClick={() => void onDelete()} aria-label={`Delete service ${svc.key}`}>
              Delete
            </Button>
          </div>
        </RequireRole>
      </header>
      <ErrorMessage error={del.error} className="m-2" />
      {mode === "edit" && (
        <div className="p-3">
          <ServiceForm table={table} existing={{ key, config: svc.config }} onDone={done} />
        </div>
      )}
      {mode === "add" && (
        <div className="p-3">
          <DestinationForm table={table} service={key} onDone={done} />
        </div>
      )}
      {dests.length === 0 ? (
        <p className="px-3 py-2 text-sm text-zinc-600 dark:text-zinc-400">No real servers.</p>
      ) : (
        <Table>
          <THead look="plain" tone="strong">
            <Tr bare>
              <Th>Real server</Th>
              <Th>Forwarding</Th>
              <Th numeric>Weight</Th>
              <Th numeric>Thresholds</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </Tr>
          </THead>
          <TBody>
            {dests.map((d) => (
              <GroupDestinationRow key={d.key} group={group} service={svc.key} dest={d} onChanged={onChanged} />
            ))}
          </TBody>
        </Table>
      )}
    </section>
  );
}

function GroupDestinationRow({ group, service, dest, onChanged }: { group: string; service: string; dest: DesiredDestination; onChanged: () => void }) {
  const canOperate = useCan("operator");
  const [editing, setEditing] = useState(false);
  const table = groupTable(group);
  const version = useDirectorVersion();
  const del = useAction(() => table.removeDestination(service, dest.key, withBaseVersion({}, version)));
  const serviceKey = parseServiceKeyString(service)!;
  const onDelete = async () => {
    if (!window.confirm(`Delete real server ${dest.key} from ${service} on every member of ${group}?`)) return;
    if ((await del.run()) !== undefined) onChanged();
  };
  return (
    <>
      <Tr data-testid={`group-dest-row-${dest.key}`} className="align-top">
        <Td className="font-mono text-xs">{dest.key}</Td>
        <Td className="text-xs">{describeForwarding(dest.config)}</Td>
        <Td numeric className="tabular-nums" data-testid="weight">
          {dest.config.weight}
        </Td>
        <Td numeric className="text-xs tabular-nums">{describeThresholds(dest.config)}</Td>
        <Td>
          <div className="flex justify-end gap-1" hidden={!canOperate}>
            <Button size="sm" onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-label={`Edit real server ${dest.key}`}>
              Edit
            </Button>
            <Button size="sm" variant="outline-danger" busy={del.busy} onClick={() => void onDelete()} aria-label={`Delete real server ${dest.key}`}>
              Delete
            </Button>
          </div>
          <ErrorMessage error={del.error} className="mt-1" />
        </Td>
      </Tr>
      {editing && (
        <Tr bare>
          <Td bare colSpan={5} className="px-2 py-2">
            <DestinationForm
              table={table}
              service={serviceKey}
              existing={{ key: { address: dest.address, port: dest.port }, config: dest.config }}
              onDone={() => {
                setEditing(false);
                onChanged();
              }}
            />
          </Td>
        </Tr>
      )}
    </>
  );
}
