// The client address of a request, for login throttling and the audit log. X-Forwarded-For is
// honoured only when the connection comes from a configured trusted proxy (--trusted-proxy
// CIDR): anyone else could write any address into it. The header is read from the right (the
// hop nearest to us) past every trusted proxy; the first address that is not one is the client.
import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/** "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) is "10.0.0.1". */
const plain = (a: string): string => (a.toLowerCase().startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

export function parseTrustedProxy(cidr: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } {
  const [address = "", prefixText] = cidr.split("/");
  const v = isIP(address);
  if (v === 0) throw new Error(`"${cidr}" is not an address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32)`);
  const max = v === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? String(max)) || prefix > max) throw new Error(`"${cidr}": the prefix length must be 0 to ${max}`);
  return { address, prefix, family: v === 4 ? "ipv4" : "ipv6" };
}

export class ClientAddresses {
  readonly #trusted = new BlockList();
  readonly #any: boolean;

  /** Throws on a malformed CIDR (server/config.ts checks them at start). */
  constructor(trustedProxies: readonly string[] = []) {
    for (const c of trustedProxies) {
      const p = parseTrustedProxy(c);
      this.#trusted.addSubnet(p.address, p.prefix, p.family);
    }
    this.#any = trustedProxies.length > 0;
  }

  #isTrusted(a: string): boolean {
    const v = isIP(a);
    return v !== 0 && this.#trusted.check(a, v === 4 ? "ipv4" : "ipv6");
  }

  of(req: IncomingMessage): string {
    const peer = plain(req.socket.remoteAddress ?? "unknown");
    if (!this.#any || !this.#isTrusted(peer)) return peer;
    const header = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((h) => plain(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i]!;
      if (isIP(hop) === 0) return peer; // garbage in the chain: trust nothing of it
      if (!this.#isTrusted(hop)) return hop;
    }
    return peer;
  }
}
