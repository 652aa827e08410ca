// The label sets of the IPVS series, spelled the way node_exporter's IPVS collector spells
// them (collector/ipvs_linux.go with procfs's /proc/net/ip_vs parser, node_exporter 1.5.0):
// proto TCP/UDP/FWM, an fwmark service with local_address "" and local_port 0 and its mark
// as the kernel prints it there (%08X), addresses as Go's net.IP.String() writes them.
// Labels are written sorted by name, as client_golang writes them.
import type { Family, ServiceKey } from "../../protocol/ipvs.ts";
import { addressToBytes } from "../ipvs/codec-address.ts";
import { escapeLabelValue } from "./exposition.ts";

/**
 * Go's net.IP.String(): IPv4 dotted; IPv6 lowercase with the first longest run of two or more
 * zero groups as "::", IPv4-mapped addresses (::ffff:a.b.c.d) as plain dotted IPv4 and no
 * other dotted tail (glibc, and so the agent elsewhere, writes ::1.2.3.4; Go writes ::102:304).
 */
export function goIpString(address: string): string {
  if (!address.includes(":")) return address;
  const b = addressToBytes(address);
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(b.readUInt16BE(2 * i));
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** The service half of node_exporter's backend labels, values in its spelling. */
export interface ServiceLabelValues {
  local_address: string;
  local_mark: string;
  local_port: string;
  proto: string;
}

export function serviceLabelValues(key: ServiceKey): ServiceLabelValues {
  if (key.protocol === "fwmark") {
    return { local_address: "", local_mark: key.fwmark.toString(16).toUpperCase().padStart(8, "0"), local_port: "0", proto: "FWM" };
  }
  // node_exporter 1.5.0 has no case for SCTP (its lines are folded into the service above
  // them); we name it, so SCTP real servers are not counted under another service
  return { local_address: goIpString(key.address), local_mark: "", local_port: String(key.port), proto: key.protocol.toUpperCase() };
}

export function familyOfKey(key: ServiceKey): Family {
  return key.protocol === "fwmark" ? key.family : key.address.includes(":") ? "ipv6" : "ipv4";
}

/** node_ipvs_backend_* labels: exactly node_exporter's six, sorted by name. */
export function backendLabels(s: ServiceLabelValues, remoteAddress: string, remotePort: number): string {
  // none of these values can hold a character that needs escaping
  return (
    `{local_address="${s.local_address}",local_mark="${s.local_mark}",local_port="${s.local_port}",` +
    `proto="${s.proto}",remote_address="${goIpString(remoteAddress)}",remote_port="${remotePort}"}`
  );
}

/**
 * Our series name a service by one short label, vs: "tcp/10.0.0.100:80", "udp/[2001:db8::1]:53",
 * "fwmark/26/ipv6" (the family tells an IPv4 fwmark service from an IPv6 one with the same
 * mark, which node_exporter adds up), and a real server by rs: "10.0.1.1:80", "[2001:db8::1]:80".
 * Short labels keep a 25,000-server page a few times smaller than node_exporter's label set
 * would; lvs_service_info and lvs_real_server_info map them to node_exporter's labels.
 */
export function vsLabel(key: ServiceKey): string {
  if (key.protocol === "fwmark") return `fwmark/${key.fwmark}/${key.family}`;
  const a = goIpString(key.address);
  return `${key.protocol}/${a.includes(":") ? `[${a}]` : a}:${key.port}`;
}

export function rsLabel(address: string, port: number): string {
  const a = goIpString(address);
  return `${a.includes(":") ? `[${a}]` : a}:${port}`;
}

/** lvs_service_info: vs, node_exporter's service labels, the family, persistence and scheduler. */
export function serviceInfoLabels(vs: string, s: ServiceLabelValues, family: Family, persistent: boolean, scheduler: string): string {
  // written in name order by hand: this runs once per service of a 5,000-service table
  return (
    `{family="${family}",local_address="${s.local_address}",local_mark="${s.local_mark}",local_port="${s.local_port}",` +
    `persistent="${persistent ? "yes" : "no"}",proto="${s.proto}",scheduler="${escapeLabelValue(scheduler)}",vs="${vs}"}`
  );
}

/** lvs_real_server_info: rs, vs, node_exporter's six labels, forwarding and thresholds, by name. */
export function realServerInfoLabels(
  vs: string,
  rs: string,
  s: ServiceLabelValues,
  remote: { address: string; port: number; forwarding: string; lower: number; upper: number },
): string {
  // addresses, ports and the forwarding enum never need escaping; once per real server
  return (
    `{forwarding="${remote.forwarding}",local_address="${s.local_address}",local_mark="${s.local_mark}",local_port="${s.local_port}",` +
    `lower_threshold="${remote.lower}",proto="${s.proto}",remote_address="${goIpString(remote.address)}",remote_port="${remote.port}",` +
    `rs="${rs}",upper_threshold="${remote.upper}",vs="${vs}"}`
  );
}
