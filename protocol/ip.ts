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
