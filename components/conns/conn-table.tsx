"use client";
// The rows of one page of the connection table, virtualized (TanStack Virtual): only the
// visible rows are in the DOM, spacer rows keep the scroll height of the whole page.
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import type { ConnEntry } from "@/protocol/conntable.ts";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

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
      <Table className="w-full font-mono text-xs">
        {/* the band's text-xs is the table's own size here */}
        <THead className="sticky top-0">
          <Tr bare>
            <Th>Pro</Th>
            <Th>Client</Th>
            <Th>Virtual</Th>
            <Th>Real server</Th>
            <Th>State</Th>
            <Th numeric>Expires</Th>
          </Tr>
        </THead>
        <TBody>
          {top > 0 && <Tr bare style={{ height: top }} />}
          {items.map((it) => {
            const e = entries[it.index]!;
            return (
              // fixed-height rows (the virtualizer's estimate): cells without vertical padding,
              // a lighter rule than the house one between thousands of rows
              <Tr
                bare
                key={it.key}
                style={{ height: ROW_HEIGHT }}
                className={`border-t border-zinc-100 dark:border-zinc-800 ${e.template ? "text-zinc-500 italic" : ""}`}
              >
                <Td bare className="px-2">
                  {e.protocol}
                </Td>
                <Td bare className="px-2">
                  {hp(e.clientAddress, e.clientPort)}
                </Td>
                <Td bare className="px-2">
                  {virtualText(e)}
                </Td>
                <Td bare className="px-2">
                  {hp(e.destAddress, e.destPort)}
                </Td>
                <Td bare className="px-2">
                  {e.state}
                  {e.template ? " (template)" : ""}
                </Td>
                <Td bare numeric className="px-2 tabular-nums">
                  {e.expires}s
                </Td>
              </Tr>
            );
          })}
          {bottom > 0 && <Tr bare style={{ height: bottom }} />}
        </TBody>
      </Table>
    </div>
  );
}
