"use client";
// One real server of a service: its configuration, live counts and rates, edit/delete, and
// the drain controls. data-testid="dest-row-<destKey>" for browser tests.
import { useState } from "react";
import type { DestinationView } from "../../protocol/dashboard.ts";
import type { ServiceKey } from "../../protocol/ipvs.ts";
import { DrainControls } from "../drain/drain-controls.tsx";
import { useAction } from "../hooks/use-action.ts";
import { sendJson } from "../lib/api.ts";
import { formatBitRate, formatCount, formatSi } from "../lib/format.ts";
import { api, directorTable } from "../lib/paths.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { DestinationForm } from "./destination-form.tsx";
import { useDirectorVersion, withBaseVersion } from "./director-version.ts";
import { describeForwarding, describeThresholds } from "./service-summary.ts";
import { useCan } from "../auth/session.tsx";
import type { RsHealthView } from "../../protocol/dashboard-health.ts";
import { HealthBadge } from "../health/health-badge.tsx";
import { RealServerChecksEditor } from "../health/rs-checks-editor.tsx";

export interface DestinationRowProps {
  director: string;
  group: string;
  service: string;
  serviceKey: ServiceKey;
  persistent: boolean;
  dest: DestinationView;
  /** its health state (undefined: not checked) */
  health?: RsHealthView | undefined;
}

export function DestinationRow({ director, group, service, serviceKey, persistent, dest, health }: DestinationRowProps) {
  const canOperate = useCan("operator");
  const [editing, setEditing] = useState(false);
  // the table shown when the operator confirms
  const version = useDirectorVersion();
  const del = useAction(() => sendJson("DELETE", api.destination(director, service, dest.key), withBaseVersion({}, version)));
  const t = dest.traffic;
  const quiesced = dest.config.weight === 0;
  const onDelete = () => {
    if (window.confirm(`Delete real server ${dest.key} from ${service}? Its connections are cut.`)) void del.run();
  };
  return (
    <>
      <tr data-testid={`dest-row-${dest.key}`} className={`border-t border-zinc-200 align-top dark:border-zinc-800 ${quiesced ? "text-zinc-500" : ""}`}>
        <td className="px-2 py-1.5 font-mono text-xs">{dest.key}</td>
        <td className="px-2 py-1.5">
          <HealthBadge rs={health} />
        </td>
        <td className="px-2 py-1.5 text-xs">{describeForwarding(dest.config)}</td>
        <td className="px-2 py-1.5 text-right tabular-nums" data-testid="weight">{dest.config.weight}</td>
        <td className="px-2 py-1.5 text-right text-xs whitespace-nowrap tabular-nums">{describeThresholds(dest.config)}</td>
        <td className="px-2 py-1.5 text-right tabular-nums" data-testid="active-conns">{formatCount(t.activeConns)}</td>
        <td className="px-2 py-1.5 text-right tabular-nums" data-testid="inactive-conns">{formatCount(t.inactiveConns)}</td>
        <td className="px-2 py-1.5 text-right tabular-nums">{formatSi(t.cps)}</td>
        <td className="px-2 py-1.5 text-right text-xs whitespace-nowrap tabular-nums">
          {formatBitRate(t.inBps)} / {formatBitRate(t.outBps)}
        </td>
        <td className="px-2 py-1.5">
          {canOperate && <DrainControls director={director} group={group} service={service} destination={dest.key} drainJobHint={dest.drainJob ?? null} persistent={persistent} />}
        </td>
        <td className="px-2 py-1.5">
          <div className="flex justify-end gap-1" hidden={!canOperate}>
            <Button size="sm" onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-label={`Edit real server ${dest.key}`}>
              Edit
            </Button>
            <Button size="sm" variant="danger" busy={del.busy} onClick={onDelete} aria-label={`Delete real server ${dest.key}`}>
              Delete
            </Button>
          </div>
          <ErrorMessage error={del.error} className="mt-1" />
        </td>
      </tr>
      {editing && (
        <tr>
          <td colSpan={11} className="px-2 py-2">
            <DestinationForm
              table={directorTable(director)}
              service={serviceKey}
              existing={{ key: { address: dest.address, port: dest.port }, config: dest.config }}
              onDone={() => setEditing(false)}
            />
            <div className="mt-3">
              <RealServerChecksEditor director={director} service={service} dest={dest.key} />
            </div>
          </td>
        </tr>
      )}
    </>
  );
}
