"use client";
// The rows of one page of the connection table, virtualized (TanStack Virtual): only the
// visible rows are in the DOM, spacer rows keep the scroll height of the whole page.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { ConnEntry } from "@/protocol/conntable.ts";

const ROW_HEIGHT = 26;
const hp = (a: string, p: number) => (a.includes(":") ? `[${a}]:${p}` : `${a}:${p}`);

export function virtualText(e: ConnEntry): string {
  if (e.virtualAddress !== undefined) return hp(e.virtualAddress, e.virtualPort);
  return `fwmark ${e.fwmark ?? "?"}`;
}

export function ConnTable({ entries }: { entries: ConnEntry[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: entries.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 20 });
  const items = v.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = v.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div ref={scroller} className="h-[28rem] overflow-auto rounded-lg border border-zinc-200 dark:border-zinc-800" data-testid="conn-table">
      <table className="w-full font-mono text-xs">
        <thead className="sticky top-0 bg-zinc-50 text-left text-zinc-500 dark:bg-zinc-900">
          <tr>
            <th className="px-2 py-1">Pro</th>
            <th className="px-2 py-1">Client</th>
            <th className="px-2 py-1">Virtual</th>
            <th className="px-2 py-1">Real server</th>
            <th className="px-2 py-1">State</th>
            <th className="px-2 py-1 text-right">Expires</th>
          </tr>
        </thead>
        <tbody>
          {top > 0 && <tr style={{ height: top }} />}
          {items.map((it) => {
            const e = entries[it.index]!;
            return (
              <tr key={it.key} style={{ height: ROW_HEIGHT }} className={`border-t border-zinc-100 dark:border-zinc-800 ${e.template ? "text-zinc-500 italic" : ""}`}>
                <td className="px-2">{e.protocol}</td>
                <td className="px-2">{hp(e.clientAddress, e.clientPort)}</td>
                <td className="px-2">{virtualText(e)}</td>
                <td className="px-2">{hp(e.destAddress, e.destPort)}</td>
                <td className="px-2">
                  {e.state}
                  {e.template ? " (template)" : ""}
                </td>
                <td className="px-2 text-right tabular-nums">{e.expires}s</td>
              </tr>
            );
          })}
          {bottom > 0 && <tr style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
