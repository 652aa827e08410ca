// Addresses as IPVS carries them: 16 raw network-order bytes (IPv4 in the first 4).
// Text output matches glibc's inet_ntop so our strings equal ipvsadm's.
import { formatIPv6Groups, isIPv4, isIPv6 } from "@/protocol/ip.ts";
import type { Family } from "@/protocol/ipvs.ts";

export class AddressError extends Error {
  override name = "AddressError";
}

function parseV4(s: string, out: Buffer, at: number): void {
  const parts = s.split(".");
  for (let i = 0; i < 4; i++) out[at + i] = Number(parts[i]);
}

/** 16 bytes for any valid IPv4 or IPv6 text (IPv4 zero-padded). */
export function addressToBytes(address: string): Buffer {
  const out = Buffer.alloc(16);
  if (isIPv4(address)) {
    parseV4(address, out, 0);
    return out;
  }
  if (!isIPv6(address)) throw new AddressError(`not an IPv4 or IPv6 address: ${address}`);
  let text = address;
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    // Rewrite an embedded IPv4 tail as two hex groups, then parse as plain IPv6.
    const v4 = Buffer.alloc(4);
    parseV4(text.slice(lastColon + 1), v4, 0);
    text = `${text.slice(0, lastColon + 1)}${v4.readUInt16BE(0).toString(16)}:${v4.readUInt16BE(2).toString(16)}`;
  }
  const [headText, tailText] = text.split("::") as [string, string | undefined];
  const words = (t: string) => (t === "" ? [] : t.split(":").map((g) => Number.parseInt(g, 16)));
  const head = words(headText);
  const tail = tailText === undefined ? [] : words(tailText);
  const zeros = 8 - head.length - tail.length;
  const groups = [...head, ...new Array<number>(Math.max(0, zeros)).fill(0), ...tail];
  for (let i = 0; i < 8; i++) out.writeUInt16BE(groups[i] ?? 0, 2 * i);
  return out;
}

export function formatIPv4(buf: Buffer, at = 0): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`;
}

/**
 * formatIPv4 through a small cache: a listing formats the same few real-server addresses once
 * per service (20,000 times for 5,000 services), and a lookup is several times cheaper than
 * building the text, and shares one string. Bounded: cleared when full.
 */
const ipv4Texts = new Map<number, string>();
const IPV4_CACHE_MAX = 4096;
export function formatIPv4Cached(buf: Buffer, at: number): string {
  const key = buf[at]! * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
  let text = ipv4Texts.get(key);
  if (text === undefined) {
    text = formatIPv4(buf, at);
    if (ipv4Texts.size >= IPV4_CACHE_MAX) ipv4Texts.clear();
    ipv4Texts.set(key, text);
  }
  return text;
}

/** IPv6 text as glibc's inet_ntop prints it (formatIPv6Groups in protocol/ip.ts). */
export function formatIPv6(buf: Buffer, at = 0): string {
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(buf.readUInt16BE(at + 2 * i));
  return formatIPv6Groups(w);
}

export function formatAddress(buf: Buffer, family: Family, at = 0): string {
  return family === "ipv6" ? formatIPv6(buf, at) : formatIPv4(buf, at);
}

/** The text form we emit for a given input, so callers can compare with what the kernel returns. */
export function canonicalAddress(address: string): string {
  const bytes = addressToBytes(address);
  return isIPv4(address) ? formatIPv4(bytes) : formatIPv6(bytes);
}

/** Dotted IPv4 mask -> its 4 raw bytes as a u32 read big-endian; throws if not contiguous. */
export function ipv4MaskToU32(mask: string): number {
  if (!isIPv4(mask)) throw new AddressError(`not a dotted IPv4 netmask: ${mask}`);
  const v = addressToBytes(mask).readUInt32BE(0);
  // contiguous: inverted mask + 1 is a power of two
  const inv = ~v >>> 0;
  if ((inv & (inv + 1)) !== 0) throw new AddressError(`netmask ${mask} is not contiguous`);
  return v;
}

export function u32ToIPv4Mask(v: number): string {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return formatIPv4(b);
}
