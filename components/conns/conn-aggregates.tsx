// Counts of the matched connections by protocol/state and by real server (the kernel's
// active/inactive split, templates apart).
import type { ConnAggregates as Aggregates } from "@/protocol/conntable.ts";
import { formatCount } from "../lib/format.ts";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

const hp = (a: string, p: number) => (a.includes(":") ? `[${a}]:${p}` : `${a}:${p}`);

export function ConnAggregates({ aggregates }: { aggregates: Aggregates }) {
  const byState = [...(aggregates.byState ?? [])].sort((a, b) => b.count - a.count);
  const byRs = [...(aggregates.byRealServer ?? [])].sort((a, b) => b.active + b.inactive - (a.active + a.inactive));
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Table density="inline" className="text-sm" aria-label="Connections by state">
        <caption className="text-left text-xs font-semibold text-zinc-500 uppercase">By state</caption>
        <THead look="plain">
          <Tr>
            <Th>Protocol</Th>
            <Th>State</Th>
            <Th bare numeric>
              Count
            </Th>
          </Tr>
        </THead>
        <TBody>
          {byState.map((s) => (
            <Tr key={`${s.protocol}-${s.state}`}>
              <Td>{s.protocol}</Td>
              <Td>{s.state}</Td>
              <Td bare numeric className="tabular-nums">
                {formatCount(s.count)}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      <Table density="inline" className="text-sm" aria-label="Connections by real server">
        <caption className="text-left text-xs font-semibold text-zinc-500 uppercase">By real server</caption>
        <THead look="plain">
          <Tr>
            <Th>Real server</Th>
            <Th numeric>Active</Th>
            <Th numeric>Inactive</Th>
            <Th bare numeric>
              Templates
            </Th>
          </Tr>
        </THead>
        <TBody>
          {byRs.map((r) => (
            <Tr key={hp(r.address, r.port)}>
              <Td className="font-mono text-xs">{hp(r.address, r.port)}</Td>
              <Td numeric className="tabular-nums">
                {formatCount(r.active)}
              </Td>
              <Td numeric className="tabular-nums">
                {formatCount(r.inactive)}
              </Td>
              <Td bare numeric className="tabular-nums">
                {formatCount(r.templates)}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </div>
  );
}
