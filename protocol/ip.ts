// Address checks usable in the browser as well as in Node (no node:net here).

const V4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const V4 = new RegExp(`^${V4_OCTET}(\\.${V4_OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

export function isIPv4(s: string): boolean {
  return V4.test(s);
}

export function isIPv6(s: string): boolean {
  if (s.length > 45 || !s.includes(":")) return false;
  let groups = 8;
  let body = s;
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    // embedded IPv4 in the last 32 bits (::ffff:1.2.3.4)
    if (!isIPv4(s.slice(lastColon + 1))) return false;
    body = s.slice(0, lastColon + 1) + "0:0";
    groups = 8;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  const parts = (h: string) => (h === "" ? [] : h.split(":"));
  const head = parts(halves[0]!);
  const tail = halves.length === 2 ? parts(halves[1]!) : [];
  if (![...head, ...tail].every((g) => HEXTET.test(g))) return false;
  return halves.length === 2 ? head.length + tail.length < groups : head.length === groups;
}

/** 4, 6, or 0 like node:net's isIP. */
export function ipVersion(s: string): 0 | 4 | 6 {
  if (isIPv4(s)) return 4;
  if (isIPv6(s)) return 6;
  return 0;
}

function dotted(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

/**
 * Whose spelling of an IPv6 address: "glibc" is inet_ntop's, which ipvsadm prints (a dotted
 * tail for IPv4-compatible ::1.2.3.4 and IPv4-mapped ::ffff:1.2.3.4 only); "go" is Go's
 * net.IP.String(), which node_exporter's labels carry (an IPv4-mapped address as plain dotted
 * IPv4, never a dotted tail otherwise: ::1.2.3.4 is ::102:304). Both write lowercase hex and
 * the first longest run of two or more zero groups as "::".
 */
export type IPv6Style = "glibc" | "go";

/**
 * Eight 16-bit groups as text in the given style (default glibc's, so ::2 and ::100 stay hex).
 * The one IPv6 formatter for agent, lvsctl, metrics labels and UI.
 */
export function formatIPv6Groups(g: ArrayLike<number>, style: IPv6Style = "glibc"): string {
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
  const mapped = bestStart === 0 && bestLen === 5 && g[5] === 0xffff;
  if (style === "go" && mapped) return dotted(((g[6]! << 16) | g[7]!) >>> 0);
  if (bestLen < 2) bestStart = -1;
  const embedsV4 = style === "glibc" && bestStart === 0 && (bestLen === 6 || mapped);
  let out = "";
  for (let i = 0; i < 8; i++) {
    if (bestStart >= 0 && i >= bestStart && i < bestStart + bestLen) {
      if (i === bestStart) out += ":";
      continue;
    }
    if (i !== 0) out += ":";
    if (i === 6 && embedsV4) {
      out += dotted(((g[6]! << 16) | g[7]!) >>> 0);
      break;
    }
    out += g[i]!.toString(16);
  }
  if (bestStart >= 0 && bestStart + bestLen === 8) out += ":";
  return out;
}
