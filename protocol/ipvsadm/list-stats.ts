// --stats and --rate lines, with ipvsadm's "large number" rule. ipvsadm 1.31 reads the real
// servers' 64-bit stats with 32-bit getters (a bug), so per-server connection, packet and
// rate figures wrap at 2^32 while bytes and the service lines do not; we print the same.
import type { DestinationState, ServiceState, Stats } from "../ipvs.ts";
import { listDestName, listServiceName } from "./names.ts";

/** print_largenum; values are non-negative integers (counters) */
export function largeNumber(value: number, exact: boolean): string {
  const v = BigInt(Math.trunc(value));
  const s = v.toString();
  if (exact) return s.padStart(s.length <= 8 ? 9 : s.length + 1);
  if (v < 100_000_000n) return s.padStart(9);
  if (v < 1_000_000_000n) return `${(v / 1000n).toString().padStart(8)}K`;
  if (v < 100_000_000_000n) return `${(v / 1_000_000n).toString().padStart(8)}M`;
  if (v < 100_000_000_000_000n) return `${(v / 1_000_000_000n).toString().padStart(8)}G`;
  return `${(v / 1_000_000_000_000n).toString().padStart(8)}T`;
}

/** The low 32 bits, as nla_get_u32 on a little-endian u64 returns them. */
export function low32(value: number): number {
  return Number(BigInt(Math.trunc(value)) & 0xffffffffn);
}

/** ipvsadm's view of a real server's stats (see the file comment). */
export function destStatsAsIpvsadmReads(s: Stats): Stats {
  return {
    ...s,
    conns: low32(s.conns),
    inPkts: low32(s.inPkts),
    outPkts: low32(s.outPkts),
    cps: low32(s.cps),
    inPps: low32(s.inPps),
    outPps: low32(s.outPps),
    inBps: low32(s.inBps),
    outBps: low32(s.outBps),
  };
}

const svcName = (svc: ServiceState) => listServiceName(svc.key).padEnd(33);
const destName = (d: DestinationState) => `  -> ${listDestName(d).padEnd(28)}`;

export function formatStatsService(svc: ServiceState, exact: boolean): string {
  const s = svc.stats;
  return svcName(svc) + [s.conns, s.inPkts, s.outPkts, s.inBytes, s.outBytes].map((v) => largeNumber(v, exact)).join("");
}

export function formatRateService(svc: ServiceState, exact: boolean): string {
  const s = svc.stats;
  return svcName(svc) + [s.cps, s.inPps, s.outPps, s.inBps, s.outBps].map((v) => largeNumber(v, exact)).join("");
}

export function formatStatsDest(d: DestinationState, exact: boolean): string {
  const s = destStatsAsIpvsadmReads(d.stats);
  return destName(d) + [s.conns, s.inPkts, s.outPkts, s.inBytes, s.outBytes].map((v) => largeNumber(v, exact)).join("");
}

/** Real-server CPS/PPS are plain "%8llu" columns, never abbreviated; BPS use the rule. */
export function formatRateDest(d: DestinationState, exact: boolean): string {
  const s = destStatsAsIpvsadmReads(d.stats);
  const plain = [s.cps, s.inPps, s.outPps].map((v) => ` ${String(v).padStart(8)}`).join("");
  return destName(d) + plain + largeNumber(s.inBps, exact) + largeNumber(s.outBps, exact);
}
