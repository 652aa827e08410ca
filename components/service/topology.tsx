"use client";
// VIP -> real servers as a small SVG: edge width is the server's share of current traffic,
// drained (weight 0) servers are grey and dashed.
import type { DestinationView } from "../../protocol/dashboard.ts";
import { topologyEdges } from "./topology-layout.ts";

const ROW = 34;

export function Topology({ vip, dests }: { vip: string; dests: DestinationView[] }) {
  const edges = topologyEdges(dests);
  const height = Math.max(ROW * dests.length + 10, 60);
  const vipY = height / 2;
  return (
    <svg role="img" aria-label={`Topology of ${vip}: ${dests.length} real servers`} viewBox={`0 0 520 ${height}`} className="w-full max-w-2xl text-zinc-700 dark:text-zinc-300">
      <rect x="4" y={vipY - 14} width="150" height="28" rx="6" className="fill-sky-100 stroke-sky-600 dark:fill-sky-950" />
      <text x="79" y={vipY + 4} textAnchor="middle" className="fill-current font-mono text-[10px]">
        {vip}
      </text>
      {edges.map((e, i) => {
        const y = 5 + ROW * i + ROW / 2;
        return (
          <g key={e.key} opacity={e.drained ? 0.45 : 1}>
            <line x1="154" y1={vipY} x2="340" y2={y} strokeWidth={e.width} strokeDasharray={e.drained ? "4 3" : undefined} className={e.drained ? "stroke-zinc-400" : "stroke-emerald-500"} />
            <rect x="340" y={y - 12} width="175" height="24" rx="5" className={e.drained ? "fill-zinc-200 stroke-zinc-400 dark:fill-zinc-800" : "fill-emerald-50 stroke-emerald-600 dark:fill-emerald-950"} />
            <text x="427" y={y + 4} textAnchor="middle" className="fill-current font-mono text-[10px]">
              {e.key} {Math.round(e.share * 100)}%{e.drained ? " drained" : ""}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
