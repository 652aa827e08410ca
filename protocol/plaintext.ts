// Plaintext agent links (ws://): the agent's bearer token crosses the network in clear on
// them, so they are allowed silently only on loopback and otherwise only when explicitly
// marked insecure (agent: --insecure-plaintext; server: a registration's `insecure: true`).
// Shared by the agent, the server and the browser: no Node modules here.
import { isIPv4, isIPv6 } from "./ip.ts";

/**
 * True for an address that never leaves the host: 127.0.0.0/8, ::1, ::ffff:127.x.x.x and the
 * name "localhost". Any other name may resolve anywhere, so it is not loopback; neither are
 * the wildcard addresses 0.0.0.0 and :: (they listen on every interface).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "localhost.") return true;
  if (isIPv4(h)) return h.startsWith("127.");
  if (isIPv6(h)) {
    const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    if (mapped) return mapped[1]!.startsWith("127.");
    // new URL() writes a mapped address in hex: [::ffff:7f00:1]
    if (/^(?:0{0,4}:){0,5}:?ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(h)) return true;
    return /^(?:0{0,4}:){2,7}0{0,3}1$/.test(h) || h === "::1";
  }
  return false;
}

/** The agent URL's scheme and whether its host is loopback (null when it is no ws/wss URL). */
export function agentUrlSecurity(url: string): { plaintext: boolean; loopback: boolean } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== "ws:" && u.protocol !== "wss:") return null;
  return { plaintext: u.protocol === "ws:", loopback: isLoopbackHost(u.hostname) };
}

/**
 * Why the server must refuse this registration's URL, or null: a ws:// URL to anything but
 * loopback needs `insecure: true`, said on purpose by an admin.
 */
export function plaintextRefusal(url: string, insecure: boolean | undefined): string | null {
  const s = agentUrlSecurity(url);
  if (!s?.plaintext || s.loopback || insecure === true) return null;
  return (
    `${url} is plaintext (ws://) to a host that is not loopback: the agent's bearer token (root on that director) ` +
    "would cross the network in clear. Use wss:// (the agent serves TLS by default and prints its fingerprint), " +
    'or, on a network you trust, register it with "insecure": true'
  );
}

/**
 * Why a PATCH changing `from` to `to` must be refused, or null: a pinned wss:// director is
 * never turned into ws:// by a URL edit (the pin would silently stop protecting the token;
 * clearing the pin first does not help either, the link re-pins on first use at once).
 */
export function downgradeRefusal(from: string, to: string, pinned: boolean): string | null {
  const a = agentUrlSecurity(from);
  const b = agentUrlSecurity(to);
  if (!pinned || !a || !b || a.plaintext || !b.plaintext) return null;
  return (
    `refusing to change a pinned wss:// director to ${to}: its token would then go in clear to a peer nobody ` +
    "authenticates. If you really mean it, delete the director and register it again with the ws:// URL " +
    '(and "insecure": true unless it is loopback)'
  );
}
