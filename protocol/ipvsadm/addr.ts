// Address helpers for ipvsadm's text formats, browser-safe (no node:net). ipvsadm prints
// addresses with glibc's inet_ntop and compares them as 32-bit words, so we need both the
// canonical text and the words.
import { formatIPv6Groups, isIPv4, isIPv6 } from "../ip.ts";

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


/** The text inet_ntop would print for this address (lowercase, compressed). */
export function canonicalAddress(address: string): string {
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  return formatIPv6Groups(ipv6Groups(address));
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
