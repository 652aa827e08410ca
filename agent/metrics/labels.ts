// The label sets of the IPVS series, spelled the way node_exporter's IPVS collector spells
// them (collector/ipvs_linux.go with procfs's /proc/net/ip_vs parser, node_exporter 1.5.0):
// proto TCP/UDP/FWM, an fwmark service with local_address "" and local_port 0 and its mark
// as the kernel prints it there (%08X), addresses as Go's net.IP.String() writes them
// (protocol/ip.ts formatIPv6Groups in its "go" style, via protocol/metrics-labels.ts).
// Labels are written sorted by name, as client_golang writes them.
import type { Family, ServiceKey } from "@/protocol/ipvs.ts";
import { goIpString } from "@/protocol/metrics-labels.ts";
import { escapeLabelValue } from "./exposition.ts";

export { goIpString, rsLabel, vsLabel } from "@/protocol/metrics-labels.ts";

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
