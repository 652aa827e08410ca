// Counts of the matched connections by protocol/state and by real server (the kernel's
// active/inactive split, templates apart).
import type { ConnAggregates as Aggregates } from "@/protocol/conntable.ts";
import { formatCount } from "../lib/format.ts";

const hp = (a: string, p: number) => (a.includes(":") ? `[${a}]:${p}` : `${a}:${p}`);

export function ConnAggregates({ aggregates }: { aggregates: Aggregates }) {
  const byState = [...(aggregates.byState ?? [])].sort((a, b) => b.count - a.count);
  const byRs = [...(aggregates.byRealServer ?? [])].sort((a, b) => b.active + b.inactive - (a.active + a.inactive));
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <table className="text-sm" aria-label="Connections by state">
        <caption className="text-left text-xs font-semibold text-zinc-500 uppercase">By state</caption>
        <thead className="text-left text-xs text-zinc-500">
          <tr>
            <th className="pr-4">Protocol</th>
            <th className="pr-4">State</th>
            <th className="text-right">Count</th>
          </tr>
        </thead>
        <tbody>
          {byState.map((s) => (
            <tr key={`${s.protocol}-${s.state}`}>
              <td className="pr-4">{s.protocol}</td>
              <td className="pr-4">{s.state}</td>
              <td className="text-right tabular-nums">{formatCount(s.count)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="text-sm" aria-label="Connections by real server">
        <caption className="text-left text-xs font-semibold text-zinc-500 uppercase">By real server</caption>
        <thead className="text-left text-xs text-zinc-500">
          <tr>
            <th className="pr-4">Real server</th>
            <th className="pr-4 text-right">Active</th>
            <th className="pr-4 text-right">Inactive</th>
            <th className="text-right">Templates</th>
          </tr>
        </thead>
        <tbody>
          {byRs.map((r) => (
            <tr key={hp(r.address, r.port)}>
              <td className="pr-4 font-mono text-xs">{hp(r.address, r.port)}</td>
              <td className="pr-4 text-right tabular-nums">{formatCount(r.active)}</td>
              <td className="pr-4 text-right tabular-nums">{formatCount(r.inactive)}</td>
              <td className="text-right tabular-nums">{formatCount(r.templates)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
