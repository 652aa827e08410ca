// Address helpers for ipvsadm's text formats, browser-safe (no node:net). ipvsadm prints
// addresses with glibc's inet_ntop and compares them as 32-bit words, so we need both the
// canonical text and the words.
import { isIPv4, isIPv6 } from "../ip.ts";

/** Four host-order u32 words of the 16-byte address union (IPv4 in word 0, rest 0). */
export type AddrWords = [number, number, number, number];

function v4ToU32(s: string): number {
  const p = s.split(".").map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

/** The eight 16-bit groups of an IPv6 address (embedded IPv4 expanded). */
export function ipv6Groups(s: string): number[] {
  let body = s;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    // rewrite the dotted tail as two hex groups so one parser handles both spellings
    const n = v4ToU32(s.slice(lastColon + 1));
    body = `${s.slice(0, lastColon + 1)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const parts = (h: string) => (h === "" ? [] : h.split(":").map((g) => Number.parseInt(g, 16)));
  const halves = body.split("::");
  const head = parts(halves[0]!);
  if (halves.length === 1) return head;
  const tail = parts(halves[1]!);
  const zeros = new Array<number>(8 - head.length - tail.length).fill(0);
  return [...head, ...zeros, ...tail];
}

/** Words as libipvs sees them after ntohl(); throws on a non-address. */
export function addrWords(address: string): AddrWords {
  if (isIPv4(address)) return [v4ToU32(address), 0, 0, 0];
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  const g = ipv6Groups(address);
  const w = (i: number) => ((g[2 * i]! << 16) | g[2 * i + 1]!) >>> 0;
  return [w(0), w(1), w(2), w(3)];
}

function u32ToV4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
}

/** glibc inet_ntop for IPv6: longest zero run (>= 2 groups, first wins) becomes "::". */
function formatV6(g: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) bestStart = -1;
  // glibc prints IPv4-compatible and IPv4-mapped addresses with a dotted tail
  const embedsV4 =
    bestStart === 0 &&
    (bestLen === 6 || (bestLen === 7 && g[7] !== 1) || (bestLen === 5 && g[5] === 0xffff));
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLen) {
      if (i === bestStart) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && embedsV4) {
      out += u32ToV4(((g[6]! << 16) | g[7]!) >>> 0);
      break;
    }
    out += g[i]!.toString(16);
  }
  if (bestStart >= 0 && bestStart + bestLen === 8) out += ":";
  return out;
}

/** The text inet_ntop would print for this address (lowercase, compressed). */
export function canonicalAddress(address: string): string {
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  return formatV6(ipv6Groups(address));
}

/** "addr:port", IPv6 in brackets, as ipvsadm -n prints and parses. */
export function addrPort(address: string, port: number): string {
  return isIPv4(address) ? `${address}:${port}` : `[${canonicalAddress(address)}]:${port}`;
}

export function isMulticast(address: string): boolean {
  if (isIPv4(address)) return v4ToU32(address) >>> 28 === 0xe;
  if (isIPv6(address)) return ipv6Groups(address)[0]! >>> 8 === 0xff;
  return false;
}
