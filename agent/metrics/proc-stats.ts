// /proc/net/ip_vs_stats: the namespace's totals since ip_vs was loaded, which node_exporter's
// node_ipvs_{connections,incoming_*,outgoing_*}_total report. They are not the sum of the
// services' counters (deleted services and zeroed counters still count here), so the agent
// reads the same small file (six lines) rather than adding up the listing.
import { readFile } from "node:fs/promises";

export interface IpvsTotals {
  connections: number;
  incomingPackets: number;
  outgoingPackets: number;
  incomingBytes: number;
  outgoingBytes: number;
}

export class ProcStatsError extends Error {
  override name = "ProcStatsError";
}

/** procfs's parseIPVSStats: the third line holds five hexadecimal totals. */
export function parseIpvsStats(text: string): IpvsTotals {
  const lines = text.split("\n", 4);
  if (lines.length !== 4) throw new ProcStatsError("ip_vs_stats corrupt: too short");
  const fields = lines[2]!.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f) => /^[0-9A-Fa-f]{1,16}$/.test(f))) {
    throw new ProcStatsError("ip_vs_stats corrupt: unexpected fields");
  }
  // 64-bit counters: exact up to 2^53, then the nearest double (what Go's float64 does too)
  const [c, ip, op, ib, ob] = fields.map((f) => Number(BigInt(`0x${f}`))) as [number, number, number, number, number];
  return { connections: c, incomingPackets: ip, outgoingPackets: op, incomingBytes: ib, outgoingBytes: ob };
}

/** null when the file does not exist (no ip_vs module): node_exporter then reports nothing. */
export async function readIpvsTotals(path = "/proc/net/ip_vs_stats"): Promise<IpvsTotals | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  return parseIpvsStats(text);
}
