// Address conversions shared by the connection-table parser, its query filters and the
// real-server role: kernel hex/full forms to the text ipvsadm prints (inet_ntop rules), and
// text back to bytes for comparisons and CIDR matching.
import { formatIPv6Groups, isIPv4, isIPv6 } from "@/protocol/ip.ts";

export class AddressError extends Error {
  override name = "AddressError";
}

// Octet texts computed once: the parser formats an address per column of every line.
const OCTET: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

export function ipv4FromU32(n: number): string {
  return OCTET[n >>> 24]! + "." + OCTET[(n >>> 16) & 255]! + "." + OCTET[(n >>> 8) & 255]! + "." + OCTET[n & 255]!;
}

/** Eight 16-bit groups to the text inet_ntop (glibc) writes, as `ipvsadm -Lnc` shows them. */
export const ipv6FromGroups = formatIPv6Groups;

/** 16 bytes of an IPv4 (::ffff:0:0/96-style zero-extended: 12 zero bytes) or IPv6 address. */
export function addressBytes(address: string): Uint8Array {
  if (isIPv4(address)) {
    const out = new Uint8Array(4);
    const parts = address.split(".");
    for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
    return out;
  }
  if (!isIPv6(address)) throw new AddressError(`not an IP address: ${JSON.stringify(address)}`);
  let body = address;
  const lastColon = address.lastIndexOf(":");
  if (address.slice(lastColon + 1).includes(".")) {
    // rewrite the dotted tail (::ffff:1.2.3.4) as two hex groups
    const v4 = addressBytes(address.slice(lastColon + 1));
    const hi = ((v4[0]! << 8) | v4[1]!).toString(16);
    const lo = ((v4[2]! << 8) | v4[3]!).toString(16);
    body = `${address.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const halves = body.split("::");
  const parse = (h: string) => (h === "" ? [] : h.split(":").map((x) => Number.parseInt(x, 16)));
  const head = parse(halves[0]!);
  const back = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - back.length : 0;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...back];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = (groups[i]! >> 8) & 255;
    out[2 * i + 1] = groups[i]! & 255;
  }
  return out;
}

/** The canonical text of an address (what the parser emits), to compare user input with entries. */
export function canonicalAddress(address: string): string {
  const b = addressBytes(address);
  if (b.length === 4) return address; // isIPv4 admits no leading zeros: already canonical
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[2 * i]! << 8) | b[2 * i + 1]!);
  return ipv6FromGroups(g);
}

/** Dotted IPv4 text to its 32-bit value without allocating; -1 when it is not plain IPv4. */
export function ipv4ToU32(s: string): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c >= 0 && c <= 9) {
      octet = octet * 10 + c;
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === -2 && digits > 0 && dots < 3) {
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 ? value * 256 + octet : -1;
}

/** A fixed-width lowercase hex key that sorts IPv4 before IPv6 and numerically within a family. */
export function addressSortKey(address: string): string {
  const v4 = ipv4ToU32(address);
  if (v4 >= 0) return "4" + v4.toString(16).padStart(8, "0");
  const b = addressBytes(address);
  let s = b.length === 4 ? "4" : "6";
  for (const x of b) s += x.toString(16).padStart(2, "0");
  return s;
}

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

/** "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128). */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = addressBytes(addr);
  const max = bytes.length * 8;
  if (slash < 0) return { bytes, prefix: max };
  const p = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new AddressError(`bad prefix length in ${JSON.stringify(text)}`);
  return { bytes, prefix: Number(p) };
}

export function cidrContains(cidr: Cidr, address: string): boolean {
  const v4 = ipv4ToU32(address);
  if (v4 >= 0) {
    if (cidr.bytes.length !== 4) return false;
    if (cidr.prefix === 0) return true;
    const net = ((cidr.bytes[0]! << 24) | (cidr.bytes[1]! << 16) | (cidr.bytes[2]! << 8) | cidr.bytes[3]!) >>> 0;
    const shift = 32 - cidr.prefix;
    return Math.floor(v4 / 2 ** shift) === Math.floor(net / 2 ** shift);
  }
  let b: Uint8Array;
  try {
    b = addressBytes(address);
  } catch {
    return false;
  }
  if (b.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i]! & mask) !== (cidr.bytes[i]! & mask)) return false;
  }
  return true;
}
