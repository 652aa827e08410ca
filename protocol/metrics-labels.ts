// How the agents' /metrics pages name services and real servers: the spelling shared by the
// agent that writes the series (agent/metrics/) and the server that reads them back from
// Prometheus for the dashboard's long-range charts (server/history/prometheus-source.ts).
import { formatIPv6Groups } from "./ip.ts";
import type { ServiceKey } from "./ipvs.ts";
import { ipv6Groups } from "./ipvsadm/addr.ts";

/** An address as Go's net.IP.String() writes it (node_exporter's labels): IPv4 as is. */
export function goIpString(address: string): string {
  return address.includes(":") ? formatIPv6Groups(ipv6Groups(address), "go") : address;
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
