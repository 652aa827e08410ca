// The topology picture's numbers: each real server's share of the service's current traffic
// (bytes/s; active connections when nothing flows), which sets its edge's width.
import type { DestinationView } from "../../protocol/dashboard.ts";

export interface TopologyEdge {
  key: string;
  share: number;
  /** stroke width in px: 1 for an idle server up to 1 + maxExtra for all the traffic */
  width: number;
  drained: boolean;
}

export function topologyEdges(dests: readonly DestinationView[], maxExtra = 11): TopologyEdge[] {
  const bytes = (d: DestinationView) => (d.traffic?.inBps ?? 0) + (d.traffic?.outBps ?? 0);
  const conns = (d: DestinationView) => d.traffic?.activeConns ?? 0;
  const totalBytes = dests.reduce((s, d) => s + bytes(d), 0);
  const measure = totalBytes > 0 ? bytes : conns;
  const total = totalBytes > 0 ? totalBytes : dests.reduce((s, d) => s + conns(d), 0);
  return dests.map((d) => {
    const share = total > 0 ? measure(d) / total : 0;
    return { key: d.key, share, width: 1 + share * maxExtra, drained: d.config.weight === 0 || (d.drainJob ?? null) !== null };
  });
}
