// IPVS counters and rates (IPVS_STATS_ATTR_*). STATS64 carries ten u64; the legacy STATS
// carries u32 for everything but the byte counters, so it is only a fallback for old kernels.
import type { Stats } from "@/protocol/ipvs.ts";
import type { AttrMap, AttrWriter } from "../netlink/attrs.ts";
import { K } from "./constants.ts";

/** Stats fields in IPVS_STATS_ATTR_* order (attribute type = index + 1). */
export const STATS_FIELDS = [
  "conns",
  "inPkts",
  "outPkts",
  "inBytes",
  "outBytes",
  "cps",
  "inPps",
  "outPps",
  "inBps",
  "outBps",
] as const satisfies readonly (keyof Stats)[];

/** Legacy STATS: only the byte counters are 64-bit. */
const LEGACY_U64 = new Set<number>([K.IPVS_STATS_ATTR_INBYTES, K.IPVS_STATS_ATTR_OUTBYTES]);

export function zeroStats(): Stats {
  return { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
}

function read(m: AttrMap, wide: boolean): Stats {
  const s = zeroStats();
  for (let i = 0; i < STATS_FIELDS.length; i++) {
    const type = i + 1;
    if (!m.has(type)) continue;
    s[STATS_FIELDS[i]!] = wide || LEGACY_U64.has(type) ? m.u64n(type) : m.u32(type);
  }
  return s;
}

/** Reads STATS64 when the parent has it, else the legacy STATS, else zeros. */
export function decodeStats(parent: AttrMap, stats64Type: number, statsType: number): Stats {
  if (parent.has(stats64Type)) return read(parent.nested(stats64Type), true);
  if (parent.has(statsType)) return read(parent.nested(statsType), false);
  return zeroStats();
}

export function encodeStats64(w: AttrWriter, type: number, s: Stats): void {
  w.nested(type, (n) => {
    STATS_FIELDS.forEach((f, i) => {
      n.u64(i + 1, BigInt(s[f]));
    });
  });
}

/** As the kernel fills it: 32-bit fields are truncated, byte counters stay 64-bit. */
export function encodeStatsLegacy(w: AttrWriter, type: number, s: Stats): void {
  w.nested(type, (n) => {
    STATS_FIELDS.forEach((f, i) => {
      const t = i + 1;
      if (LEGACY_U64.has(t)) n.u64(t, BigInt(s[f]));
      else n.u32(t, Number(BigInt(s[f]) & 0xffffffffn));
    });
  });
}
