"use client";
// A real server health took out of the kernel's table (down without inhibit_on_failure, or
// held out below quorum): listed from the health view with its badge, the weight health will
// restore, and its checks' editor. The same data-testid as a kernel row (dest-row-<key>),
// with data-held-out, so a browser test finds it either way.
import { useState } from "react";
import type { RsHealthView } from "@/protocol/dashboard/health.ts";
import { useCan } from "../auth/session.tsx";
import { Button } from "../ui/button.tsx";
import { Td, Tr } from "../ui/table.tsx";
import { HealthBadge } from "./health-badge.tsx";
import { RealServerChecksEditor } from "./rs-checks-editor.tsx";

export function HeldOutRow({ director, service, rs, columns }: { director: string; service: string; rs: RsHealthView; columns: number }) {
  const canOperate = useCan("operator");
  const [editing, setEditing] = useState(false);
  return (
    <>
      <Tr data-testid={`dest-row-${rs.key}`} data-held-out="true" className="align-top text-zinc-500">
        <Td className="font-mono text-xs">{rs.key}</Td>
        <Td>
          <HealthBadge rs={rs} />
        </Td>
        {/* every column from forwarding to drain: the kernel has none of those for it */}
        <Td className="text-xs" colSpan={columns - 3}>
          not in the kernel's table: removed by health{rs.lastResult ? ` (${rs.lastResult.reason})` : ""}; weight {rs.configuredWeight} when it recovers
        </Td>
        <Td>
          <div className="flex justify-end gap-1" hidden={!canOperate}>
            <Button size="sm" onClick={() => setEditing((e) => !e)} aria-expanded={editing} aria-label={`Edit checks of ${rs.key}`}>
              Edit checks
            </Button>
          </div>
        </Td>
      </Tr>
      {editing && (
        <Tr bare>
          <Td bare colSpan={columns} className="px-2 py-2">
            <RealServerChecksEditor director={director} service={service} dest={rs.key} />
          </Td>
        </Tr>
      )}
    </>
  );
}
