// Each real server's share of its service's current traffic: bytes/s (in + out, the kernel's
// rate estimator), or active connections when no bytes flow. The topology's edge widths and the
// real-server rows' share bars both use it, so the two never disagree. A server out of rotation
// (weight 0, or in a drain job) is "draining" while it still carries any of that traffic and
// "drained" only once it carries none: a weight-0 server with 37% of the bytes is drawn as
// "37% · draining", never as "37% drained".
import type { DestinationView } from "@/protocol/dashboard/index.ts";

export type ShareBasis = "bytes" | "conns" | "none";

export interface TrafficShare {
  /** 0..1 of the service's total on `basis` */
  share: number;
  basis: ShareBasis;
}

export type Rotation = "serving" | "draining" | "drained";

export interface TopologyEdge extends TrafficShare {
  key: string;
  /** stroke width in px: 1 for an idle server up to 1 + maxExtra for all the traffic */
  width: number;
  rotation: Rotation;
  /** drawn grey and dashed: out of rotation and carrying nothing */
  drained: boolean;
  /** "10.0.0.11:80 37% · draining" */
  label: string;
}

const bytesOf = (d: DestinationView) => (d.traffic?.inBps ?? 0) + (d.traffic?.outBps ?? 0);
const connsOf = (d: DestinationView) => d.traffic?.activeConns ?? 0;

/** Shares by key, in the order given. */
export function trafficShares(dests: readonly DestinationView[]): Map<string, TrafficShare> {
  const totalBytes = dests.reduce((s, d) => s + bytesOf(d), 0);
  const totalConns = dests.reduce((s, d) => s + connsOf(d), 0);
  const basis: ShareBasis = totalBytes > 0 ? "bytes" : totalConns > 0 ? "conns" : "none";
  const out = new Map<string, TrafficShare>();
  for (const d of dests) {
    const share = basis === "bytes" ? bytesOf(d) / totalBytes : basis === "conns" ? connsOf(d) / totalConns : 0;
    out.set(d.key, { share, basis });
  }
  return out;
}

/** Out of rotation (weight 0 or a drain job): draining while it carries traffic (bytes flow
 * or a connection is active), then drained. Inactive entries waiting out TIME_WAIT are not
 * traffic here; the row's drain status still counts them down. */
export function rotationOf(d: DestinationView): Rotation {
  const out = d.config.weight === 0 || (d.drainJob ?? null) !== null;
  if (!out) return "serving";
  return bytesOf(d) > 0 || connsOf(d) > 0 ? "draining" : "drained";
}

/** "37%", "<1%" for a sliver that is not nothing, "0%". */
export function formatShare(share: number): string {
  if (share <= 0) return "0%";
  const pct = Math.round(share * 100);
  return pct === 0 ? "<1%" : `${pct}%`;
}

export function shareBasisText(basis: ShareBasis): string {
  return basis === "bytes" ? "of the service's bytes/s (in + out)" : basis === "conns" ? "of the service's active connections (no bytes flowing)" : "(no traffic on the service)";
}

export function topologyEdges(dests: readonly DestinationView[], maxExtra = 11): TopologyEdge[] {
  const shares = trafficShares(dests);
  return dests.map((d) => {
    const { share, basis } = shares.get(d.key)!;
    const rotation = rotationOf(d);
    const label = `${d.key} ${formatShare(share)}${rotation === "serving" ? "" : ` · ${rotation}`}`;
    return { key: d.key, share, basis, width: 1 + share * maxExtra, rotation, drained: rotation === "drained", label };
  });
}
