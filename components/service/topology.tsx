"use client";
// VIP -> real servers as a small SVG: edge width is the server's share of current traffic
// (topology-layout.ts: bytes/s, or active connections when no bytes flow). A server out of
// rotation is amber and dashed while it still carries traffic ("37% · draining"), grey and
// dashed once it carries none ("0% · drained").
import type { DestinationView } from "@/protocol/dashboard/index.ts";
import { type Rotation, shareBasisText, topologyEdges } from "./topology-layout.ts";

const ROW = 34;

const LOOK: Record<Rotation, { line: string; box: string; dash?: string; opacity: number }> = {
  serving: { line: "stroke-emerald-500", box: "fill-emerald-50 stroke-emerald-600 dark:fill-emerald-950", opacity: 1 },
  draining: { line: "stroke-amber-500", box: "fill-amber-50 stroke-amber-600 dark:fill-amber-950", dash: "6 3", opacity: 1 },
  drained: { line: "stroke-zinc-400", box: "fill-zinc-200 stroke-zinc-400 dark:fill-zinc-800", dash: "4 3", opacity: 0.45 },
};

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
        const look = LOOK[e.rotation];
        return (
          <g key={e.key} opacity={look.opacity} data-testid={`topology-${e.key}`} data-rotation={e.rotation}>
            <title>{`${e.label}: ${Math.round(e.share * 100)}% ${shareBasisText(e.basis)}`}</title>
            <line x1="154" y1={vipY} x2="340" y2={y} strokeWidth={e.width} strokeDasharray={look.dash} className={look.line} />
            <rect x="340" y={y - 12} width="175" height="24" rx="5" className={look.box} />
            <text x="427" y={y + 4} textAnchor="middle" className="fill-current font-mono text-[10px]">
              {e.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
