"use client";
// One real server of a service: its state badge (rs-row-state.ts: health, drain, weight, DR
// readiness in one, by precedence), its share of the service's traffic, configuration, live
// counts and rates, the drain controls, Edit and an outline Delete.
// data-testid="dest-row-<destKey>" for browser tests.
import { useState } from "react";
import type { DestinationView, ReadinessEntry } from "@/protocol/dashboard/index.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { DrainControls } from "../drain/drain-controls.tsx";
import { drainDisplay, jobFor } from "../drain/drain-state.ts";
import { useDrains } from "../hooks/use-drains.ts";
import type { TrafficShare } from "./topology-layout.ts";
import { rsRowState } from "./rs-row-state.ts";
import { RsStateBadge } from "./rs-state-badge.tsx";
import { RS_COLUMN_COUNT } from "./service-columns.tsx";
import { ShareBar } from "./share-bar.tsx";
import { useAction } from "../hooks/use-action.ts";
import { formatBitRate, formatCount, formatSi } from "../lib/format.ts";
import { api } from "../lib/api-client.ts";
import { directorTable } from "../lib/table-api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { Td, Tr } from "../ui/table.tsx";
import { DestinationForm } from "./destination-form.tsx";
import { useDirectorVersion, withBaseVersion } from "../director/director-version.ts";
import { describeForwarding, describeThresholds } from "./service-summary.ts";
import { useCan } from "../auth/session.tsx";
import type { RsHealthView } from "@/protocol/dashboard/health.ts";
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
  /** its share of the service's current traffic */
  share: TrafficShare;
  /** DR readiness from its realserver agent (undefined: not DR, or not read) */
  readiness?: ReadinessEntry["status"] | undefined;
}

export function DestinationRow({ director, group, service, serviceKey, persistent, dest, health, share, readiness }: DestinationRowProps) {
  const canOperate = useCan("operator");
  const [editing, setEditing] = useState(false);
  // the table shown when the operator confirms
  const version = useDirectorVersion();
  const del = useAction(() => api.destinations.remove({ params: { id: director, service, dest: dest.key }, body: withBaseVersion({}, version) }));
  const t = dest.traffic;
  const quiesced = dest.config.weight === 0;
  const { jobs } = useDrains();
  const drain = drainDisplay(jobFor(jobs, director, service, dest.key, dest.drainJob ?? null), director).phase;
  const look = rsRowState({ weight: dest.config.weight, health: health?.state, drain, readiness: dest.config.forwarding === "route" ? readiness : undefined });
  const onDelete = () => {
    if (window.confirm(`Delete real server ${dest.key} from ${service}? Its connections are cut.`)) void del.run();
  };
  return (
    <>
      <Tr data-testid={`dest-row-${dest.key}`} className={quiesced ? "align-top text-zinc-500" : "align-top"}>
        <Td className="font-mono text-xs">{dest.key}</Td>
        <Td>
          <RsStateBadge look={look} health={health} />
        </Td>
        <Td>
          <ShareBar share={share} />
        </Td>
        <Td className="text-xs">{describeForwarding(dest.config)}</Td>
        <Td numeric className="tabular-nums" data-testid="weight">{dest.config.weight}</Td>
        <Td numeric className="text-xs whitespace-nowrap tabular-nums">{describeThresholds(dest.config)}</Td>
        <Td numeric className="tabular-nums" data-testid="active-conns">{formatCount(t.activeConns)}</Td>
        <Td numeric className="tabular-nums" data-testid="inactive-conns">{formatCount(t.inactiveConns)}</Td>
        <Td numeric className="tabular-nums">{formatSi(t.cps)}</Td>
        <Td numeric className="text-xs whitespace-nowrap tabular-nums">
          {formatBitRate(t.inBps)} / {formatBitRate(t.outBps)}
        </Td>
        <Td>
          {canOperate && <DrainControls director={director} group={group} service={service} destination={dest.key} drainJobHint={dest.drainJob ?? null} persistent={persistent} />}
        </Td>
        <Td>
          <div className="flex justify-end gap-1" hidden={!canOperate}>
            <Button size="sm" onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-label={`Edit real server ${dest.key}`}>
              Edit
            </Button>
            <Button size="sm" variant="outline-danger" busy={del.busy} onClick={onDelete} aria-label={`Delete real server ${dest.key}`}>
              Delete
            </Button>
          </div>
          <ErrorMessage error={del.error} className="mt-1" />
        </Td>
      </Tr>
      {editing && (
        <Tr bare>
          <Td bare colSpan={RS_COLUMN_COUNT} className="px-2 py-2">
            <DestinationForm
              table={directorTable(director)}
              service={serviceKey}
              existing={{ key: { address: dest.address, port: dest.port }, config: dest.config }}
              onDone={() => setEditing(false)}
            />
            <div className="mt-3">
              <RealServerChecksEditor director={director} service={service} dest={dest.key} />
            </div>
          </Td>
        </Tr>
      )}
    </>
  );
}
