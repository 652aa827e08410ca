// Small naming helpers shared by the save and list formatters (ipvsadm's print code).
import type { Destination, Forwarding, Service, ServiceKey, Tunnel } from "../ipvs.ts";
import { addrPort } from "./addr.ts";

/** The shape every formatter takes: ServiceState fits, and so does a parsed rule set. */
export interface ServiceRules extends Service {
  destinations: Destination[];
}

/**
 * Debian's ipvsadm 1.31 (our oracle in the lab) prints fwmarks as a signed int: marks of
 * 2^31 and above come out negative (upstream fixed this after 1.31). We print the same, and
 * the parser takes those negative spellings back (args-values.ts).
 */
export function fwmarkText(mark: number): string {
  return String(mark > 0x7fffffff ? mark - 0x100000000 : mark);
}

export function isV6Key(key: ServiceKey): boolean {
  return key.protocol === "fwmark" ? key.family === "ipv6" : key.address.includes(":");
}

/** print_sched_flags: names depend on the scheduler; sh/mh never print flag-3. */
export function schedFlagNames(svc: Service): string {
  const f = new Set(svc.config.schedulerFlags);
  const s = svc.config.scheduler;
  const names: string[] = [];
  if (s === "sh" || s === "mh") {
    if (f.has("flag-1")) names.push(`${s}-fallback`);
    if (f.has("flag-2")) names.push(`${s}-port`);
  } else {
    for (const n of ["flag-1", "flag-2", "flag-3"] as const) if (f.has(n)) names.push(n);
  }
  return names.join(",");
}

/** The service as `-S` names it: "-t 1.2.3.4:80", "--sctp-service ...", "-f 7 -6". */
export function ruleServiceName(key: ServiceKey): string {
  if (key.protocol === "fwmark") return `-f ${fwmarkText(key.fwmark)}${key.family === "ipv6" ? " -6" : ""}`;
  const opt = { tcp: "-t", udp: "-u", sctp: "--sctp-service" }[key.protocol];
  return `${opt} ${addrPort(key.address, key.port)}`;
}

/** The service as `-L` names it, IPv4 names cut at 33 characters like ipvsadm. */
export function listServiceName(key: ServiceKey): string {
  if (key.protocol === "fwmark") return `FWM  ${fwmarkText(key.fwmark)}${key.family === "ipv6" ? " IPv6" : ""}`;
  const name = `${key.protocol.toUpperCase().padEnd(4)} ${addrPort(key.address, key.port)}`;
  return key.address.includes(":") ? name : name.slice(0, 33);
}

export function listDestName(d: Destination): string {
  const name = addrPort(d.key.address, d.key.port);
  return d.key.address.includes(":") ? name : name.slice(0, 28);
}

// ipvsadm has no name for BYPASS; printf of its NULL pointer prints "(null)" with glibc.
const FWD_NAME: Record<Forwarding, string> = {
  masq: "Masq", local: "Local", tunnel: "Tunnel", route: "Route", bypass: "(null)",
};
const FWD_SWITCH: Record<Forwarding, string> = {
  masq: "-m", local: "-g", tunnel: "-i", route: "-g", bypass: "(null)",
};
export const fwdName = (f: Forwarding) => FWD_NAME[f];
export const fwdSwitch = (f: Forwarding) => FWD_SWITCH[f];

/** A tunnel server without tunnel details is IPIP (the kernel's type 0). */
export function tunnelOf(d: Destination): Tunnel {
  return d.config.tunnel ?? { type: "ipip", port: 0, checksum: "nocsum" };
}

const CSUM_SHORT = { nocsum: "-c", csum: "+c", remcsum: "r+c" } as const;

/** --tun-info column: ipip, gue:<port>:<-c|+c|r+c>, gre:<-c|+c>, n/a. */
export function tunInfo(d: Destination): string {
  if (d.config.forwarding !== "tunnel") return "n/a";
  const t = tunnelOf(d);
  if (t.type === "ipip") return "ipip";
  if (t.type === "gue") return `gue:${t.port}:${CSUM_SHORT[t.checksum]}`;
  return `gre:${CSUM_SHORT[t.checksum]}`;
}
