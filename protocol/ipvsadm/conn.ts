// `ipvsadm -Lnc` from parsed connection entries. The /proc/net/ip_vs_conn parser lives in
// the agent (agent/conntable/); this formatter only needs the fields below, so it takes its
// own small input type and any parsed entry with these fields fits.
import { isIPv4 } from "../ip.ts";
import { addrPort } from "./addr.ts";

export interface ConnEntryLike {
  /** as in the proc file: TCP, UDP, SCTP, IP, ICMP, ... */
  protocol: string;
  clientAddress: string;
  clientPort: number;
  /** absent for fwmark templates, which carry the mark in `fwmark` instead */
  virtualAddress?: string;
  fwmark?: number;
  virtualPort: number;
  destAddress: string;
  destPort: number;
  /** state name as in the proc file (ESTABLISHED, TIME_WAIT, UDP, NONE, ...) */
  state: string;
  /** seconds left */
  expires: number;
  peName?: string | null;
  peData?: string | null;
}

function markAsAddress(mark: number, v4: boolean): string {
  const dotted = [mark >>> 24, (mark >>> 16) & 255, (mark >>> 8) & 255, mark & 255].join(".");
  return v4 ? dotted : `::${dotted}`;
}

export function connHeader(persistentConn: boolean): string {
  const base = `pro expire ${"state".padEnd(11)} ${"source".padEnd(18)} ${"virtual".padEnd(18)}`;
  return persistentConn
    ? `IPVS connection entries\n${base} ${"destination".padEnd(18)} ${"pe name".padEnd(16)} pe_data\n`
    : `IPVS connection entries\n${base} destination\n`;
}

/** One print_conn line. The client family decides how client and virtual are written. */
export function formatConnLine(e: ConnEntryLike, persistentConn: boolean): string {
  const expire = `${String(Math.floor(e.expires / 60)).padStart(2, "0")}:${String(e.expires % 60).padStart(2, "0")}`;
  const c = addrPort(e.clientAddress, e.clientPort);
  // the proc file puts a template's fwmark in the address field; ipvsadm prints it dotted
  const v = addrPort(e.virtualAddress ?? markAsAddress(e.fwmark ?? 0, isIPv4(e.clientAddress)), e.virtualPort);
  const d = addrPort(e.destAddress, e.destPort);
  const head = `${e.protocol.padEnd(3)} ${expire.padEnd(6)} ${e.state.padEnd(11)} ${c.padEnd(18)} ${v.padEnd(18)}`;
  if (persistentConn && e.peName && e.peData) return `${head} ${d.padEnd(16)} ${e.peName.padEnd(18)} ${e.peData}\n`;
  return `${head} ${d}\n`;
}

export function formatConnList(entries: Iterable<ConnEntryLike>, persistentConn: boolean): string {
  let out = connHeader(persistentConn);
  for (const e of entries) out += formatConnLine(e, persistentConn);
  return out;
}
