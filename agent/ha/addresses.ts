// What the director's interfaces hold right now, from `ip -j addr show` in the agent's network
// namespace: the interfaces a spec may name, the subnets its VIPs must fall in, and which VIPs
// keepalived has bound (vipsHeld).
import { addressBytes, canonicalAddress, cidrContains } from "../conntable/address.ts";
import type { RunIp } from "../realserver/ip-command.ts";

export interface HostAddress {
  address: string;
  prefixLength: number;
  family: "ipv4" | "ipv6";
}

export interface HostInterface {
  name: string;
  up: boolean;
  /** VRRP's multicast adverts need it (ifb, some tunnels have none: use unicast peers there) */
  multicast?: boolean;
  addresses: HostAddress[];
}

interface IpJsonLink {
  ifname?: unknown;
  flags?: unknown;
  operstate?: unknown;
  addr_info?: { family?: unknown; local?: unknown; prefixlen?: unknown }[];
}

/** Parses `ip -j addr show` (every interface, with or without addresses). */
export function parseIpAddrJson(text: string): HostInterface[] {
  const links = JSON.parse(text.trim() || "[]") as IpJsonLink[];
  if (!Array.isArray(links)) throw new Error("ip -j addr: not a JSON array");
  const out: HostInterface[] = [];
  for (const l of links) {
    if (typeof l.ifname !== "string") continue;
    const flags = Array.isArray(l.flags) ? l.flags : [];
    const addresses: HostAddress[] = [];
    for (const a of l.addr_info ?? []) {
      if (typeof a.local !== "string" || typeof a.prefixlen !== "number") continue;
      if (a.family !== "inet" && a.family !== "inet6") continue;
      addresses.push({ address: canonicalAddress(a.local), prefixLength: a.prefixlen, family: a.family === "inet" ? "ipv4" : "ipv6" });
    }
    out.push({ name: l.ifname, up: flags.includes("UP"), multicast: flags.includes("MULTICAST"), addresses });
  }
  return out;
}

export async function readInterfaces(run: RunIp): Promise<HostInterface[]> {
  return parseIpAddrJson(await run(["-j", "addr", "show"]));
}

/** Whether `address` lies in the subnet of `a` (its address and prefix length). */
export function inSubnetOf(a: HostAddress, address: string): boolean {
  try {
    return cidrContains({ bytes: addressBytes(a.address), prefix: a.prefixLength }, address);
  } catch {
    return false;
  }
}

/** The interfaces whose configured subnets contain `address` (its own host address aside). */
export function subnetsContaining(ifs: readonly HostInterface[], address: string): string[] {
  const names: string[] = [];
  for (const i of ifs) {
    // a /32 or /128 holds no subnet: a VIP bound earlier must not vouch for itself
    if (i.addresses.some((a) => a.prefixLength < (a.family === "ipv4" ? 32 : 128) && inSubnetOf(a, address))) names.push(i.name);
  }
  return names;
}

/** "address/prefix" for every configured VIP bound on some interface now (any prefix). */
export function boundVips(ifs: readonly HostInterface[], vips: readonly string[]): string[] {
  const bound = new Set<string>();
  for (const i of ifs) for (const a of i.addresses) bound.add(a.address);
  return vips.filter((v) => bound.has(canonicalAddress(v.slice(0, v.lastIndexOf("/")))));
}

/**
 * `ip -j addr` for status reads, which come on every ha.get and every change pushed to
 * subscribers: concurrent reads share one `ip` run and a reading younger than `maxAgeMs` is
 * reused, so a burst of requests on a loaded director costs one process. `invalidate()` on
 * every VRRP transition or keepalived change, where the VIPs move.
 */
export class CachedInterfaces {
  #reading: Promise<HostInterface[]> | null = null;
  #at = 0;
  #generation = 0;

  constructor(
    private readonly run: RunIp,
    private readonly maxAgeMs = 500,
    private readonly now: () => number = Date.now,
  ) {}

  read(): Promise<HostInterface[]> {
    if (this.#reading && this.now() - this.#at <= this.maxAgeMs) return this.#reading;
    const generation = ++this.#generation;
    this.#at = this.now();
    const reading = readInterfaces(this.run);
    this.#reading = reading;
    // a failed reading is not reused
    reading.catch(() => {
      if (this.#generation === generation) this.#reading = null;
    });
    return reading;
  }

  invalidate(): void {
    this.#reading = null;
  }
}
