// Value parsers for ipvsadm options, mirroring its own acceptance rules but numeric only:
// host and port names are never resolved (that needs DNS and /etc/services, which neither
// the browser nor a reproducible agent should depend on).
import { isIPv4, isIPv6 } from "../ip.ts";
import { canonicalAddress } from "./addr.ts";
import { IpvsadmUsageError } from "./command.ts";

export const INT_MAX = 2147483647;
/** ipvsadm's MAX_TIMEOUT: 31 days */
export const MAX_TIMEOUT = 86400 * 31;

/** strtol-like decimal within [min, max], or null (ipvsadm's string_to_number). */
export function toNumber(s: string, min: number, max: number): number | null {
  if (!/^\s*[+-]?\d+$/.test(s)) return null;
  const n = Number(s.trim());
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

export interface AddrPortText {
  family: 4 | 6;
  address: string;
  /** null when the text had no ":port" */
  port: number | null;
}

const NAMES_NOTE = " (host and port names are not resolved: use numeric addresses and ports)";

/**
 * ipvsadm's parse_service: "[v6]:port", bare v6, "v4[:port]". Returns null where ipvsadm
 * would fail; `nameLike` tells whether a name lookup would have been attempted.
 */
export function parseAddrPort(text: string): { ok: AddrPortText } | { nameLike: boolean } {
  if (/^\d*$/.test(text)) return { nameLike: false };
  let host = text;
  let portText: string | null = null;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0 || text[close + 1] !== ":") return { nameLike: false };
    host = text.slice(1, close);
    portText = text.slice(close + 2);
  }
  if (isIPv6(host) && !host.includes("%")) {
    if (portText === null) return { ok: { family: 6, address: canonicalAddress(host), port: null } };
  } else {
    if (portText === null) {
      const colon = text.lastIndexOf(":");
      if (colon >= 0) {
        host = text.slice(0, colon);
        portText = text.slice(colon + 1);
      }
    }
    if (!isIPv4(host)) return { nameLike: /[a-zA-Z]/.test(host) };
  }
  if (portText === null) return { ok: { family: 4, address: host, port: null } };
  const port = toNumber(portText, 0, 65535);
  if (port === null) return { nameLike: /[a-zA-Z]/.test(portText) };
  return { ok: { family: isIPv4(host) ? 4 : 6, address: canonicalAddress(host), port } };
}

export function addrPortOrFail(text: string, what: "virtual" | "real"): AddrPortText {
  const r = parseAddrPort(text);
  if ("ok" in r) return r.ok;
  const msg = `illegal ${what} server address[:port] specified`;
  throw new IpvsadmUsageError(r.nameLike ? msg + NAMES_NOTE : msg);
}

export function timeoutOrFail(text: string, min: number): number {
  const n = toNumber(text, min, MAX_TIMEOUT);
  if (n === null) throw new IpvsadmUsageError(`invalid timeout value \`${text}' specified`);
  return n;
}

/** 1..2^32-1; also -2^31..-1, the spelling Debian's ipvsadm 1.31 saves large marks in. */
export function fwmarkOrFail(text: string): number {
  const signed = toNumber(text, -0x80000000, -1);
  if (signed !== null) return signed + 0x100000000;
  const n = toNumber(text, 1, 0xffffffff);
  if (n === null) throw new IpvsadmUsageError(`invalid fwmark value \`${text}' specified`);
  return n;
}

/** IPv4 persistence mask: dotted quad only (ipvsadm's inet_aton also takes odd spellings). */
export function v4NetmaskOrFail(text: string): string {
  if (!isIPv4(text)) {
    const extra = /[a-zA-Z]/.test(text) ? NAMES_NOTE : "";
    throw new IpvsadmUsageError(`illegal virtual server persistent mask specified${extra}`);
  }
  return text;
}

/** IPv6 persistence prefix, read like C's atoi (leading digits). */
export function v6PrefixOrFail(text: string): string {
  const m = /^\s*[+-]?\d+/.exec(text);
  const n = m ? Number(m[0].trim()) : 0;
  if (n < 1 || n > 128) throw new IpvsadmUsageError("illegal ipv6 netmask specified");
  return String(n);
}
