// `ipvsadm -L -n` listings, byte for byte: the default view, --thresholds,
// --persistent-conn, --tun-info, --stats, --rate (with --exact), -L -t <one service>,
// --timeout and --daemon. Input services must be in the kernel's dump order (see sort.ts).
import type { DestinationState, IpvsInfo, ServiceState, SyncDaemon, Timeouts } from "../ipvs.ts";
import type { ListFormat } from "./command.ts";
import { formatRateDest, formatRateService, formatStatsDest, formatStatsService } from "./list-stats.ts";
import {
  fwdName,
  isV6Key,
  listDestName,
  listServiceName,
  schedFlagNames,
  tunInfo,
} from "./names.ts";
import { sortDestinationsLikeIpvsadm, sortServicesLikeIpvsadm } from "./sort.ts";

const PROT = "Prot LocalAddress:Port".padEnd(33);
const right8 = (s: string) => s.padStart(8);

/** print_title */
export function listTitle(view: ListFormat["view"]): string {
  switch (view) {
    case "stats":
      return `${PROT} ${["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"].map(right8).join(" ")}\n  -> RemoteAddress:Port\n`;
    case "rate":
      return `${PROT} ${["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"].map(right8).join(" ")}\n  -> RemoteAddress:Port\n`;
    case "thresholds":
      return `${PROT} ${["Uthreshold", "Lthreshold", "ActiveConn", "InActConn"].map((s) => s.padEnd(10)).join(" ")}\n  -> RemoteAddress:Port\n`;
    case "persistent-conn":
      return `${PROT} ${"Weight".padEnd(9)} ${"PersistConn".padEnd(11)} ${"ActiveConn".padEnd(10)} ${"InActConn".padEnd(10)}\n  -> RemoteAddress:Port\n`;
    case "tun-info":
      return "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";
    default:
      return "Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
  }
}

/** The service line of the default, thresholds, persistent-conn and tun-info views. */
export function formatServiceLine(svc: ServiceState): string {
  const c = svc.config;
  let line = `${listServiceName(svc.key)} ${c.scheduler}`;
  if (c.schedulerFlags.length > 0) line += ` (${schedFlagNames(svc)})`;
  if (c.persistence) {
    line += ` persistent ${c.persistence.timeout}`;
    const full = isV6Key(svc.key) ? "128" : "255.255.255.255";
    if (c.persistence.netmask !== full) line += ` mask ${c.persistence.netmask}`;
    if (c.pe) line += ` pe ${c.pe}`;
  }
  if (c.onePacket) line += " ops";
  return line;
}

const l10 = (n: number) => String(n).padEnd(10);

function formatDestLine(d: DestinationState, view: ListFormat["view"]): string {
  const name = `  -> ${listDestName(d).padEnd(28)}`;
  const c = d.config;
  switch (view) {
    case "thresholds":
      return `${name} ${l10(c.upperThreshold)} ${l10(c.lowerThreshold)} ${l10(d.activeConns)} ${l10(d.inactiveConns)}`;
    case "persistent-conn":
      return `${name} ${String(c.weight).padEnd(9)} ${String(d.persistConns).padEnd(11)} ${l10(d.activeConns)} ${l10(d.inactiveConns)}`;
    case "tun-info":
      return `${name} ${fwdName(c.forwarding).padEnd(7)} ${tunInfo(d).padEnd(13)} ${String(c.weight).padEnd(6)} ${l10(d.activeConns)} ${l10(d.inactiveConns)}`;
    default:
      return `${name} ${fwdName(c.forwarding).padEnd(7)} ${String(c.weight).padEnd(6)} ${l10(d.activeConns)} ${l10(d.inactiveConns)}`;
  }
}

/** One service and its servers, as print_service_entry prints them. */
export function formatServiceEntry(svc: ServiceState, format: ListFormat): string {
  const { view, exact } = format;
  const head =
    view === "stats"
      ? formatStatsService(svc, exact)
      : view === "rate"
        ? formatRateService(svc, exact)
        : formatServiceLine(svc);
  const dests = format.nosort ? svc.destinations : sortDestinationsLikeIpvsadm(svc.destinations);
  const lines = dests.map((d) =>
    view === "stats"
      ? formatStatsDest(d, exact)
      : view === "rate"
        ? formatRateDest(d, exact)
        : formatDestLine(d, view),
  );
  return [head, ...lines].map((l) => l + "\n").join("");
}

export function versionHeader(info: IpvsInfo): string {
  return `IP Virtual Server version ${info.version} (size=${info.connTableSize})\n`;
}

/** `ipvsadm -L -n [view options]` over every service, header line included. */
export function formatListAll(info: IpvsInfo, services: readonly ServiceState[], format: ListFormat): string {
  const ordered = format.nosort ? services : sortServicesLikeIpvsadm(services);
  return versionHeader(info) + listTitle(format.view) + ordered.map((s) => formatServiceEntry(s, format)).join("");
}

/** `ipvsadm -L -n -t|-u|-f ...`: no version header. */
export function formatListOne(service: ServiceState, format: ListFormat): string {
  return listTitle(format.view) + formatServiceEntry(service, format);
}

export function formatTimeouts(t: Timeouts): string {
  return `Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpFin} ${t.udp}\n`;
}

/** `ipvsadm -L --daemon`: master first; parts after syncid only when set. */
export function formatDaemons(daemons: readonly SyncDaemon[]): string {
  const ordered = [...daemons].sort((a, b) => (a.state === b.state ? 0 : a.state === "master" ? -1 : 1));
  return ordered
    .map((d) => {
      let line = `${d.state} sync daemon (mcast=${d.mcastInterface}, syncid=${d.syncId}`;
      if (d.maxLen) line += `, maxlen=${d.maxLen}`;
      if (d.mcastGroup) line += `, group=${d.mcastGroup}`;
      if (d.mcastPort) line += `, port=${d.mcastPort}`;
      if (d.mcastTtl) line += `, ttl=${d.mcastTtl}`;
      return line + ")\n";
    })
    .join("");
}
