// What an -E / -e line means against the live config. ipvsadm sends a full replacement built
// from its defaults (so "-e ... -w 0" silently turns a NAT server into DR and clears its
// thresholds, reference 0.3); we merge only the fields that were typed instead.
import type { Destination, Service, ServiceKey } from "../ipvs.ts";
import type { IpvsadmCommand } from "./command.ts";

type EditService = Extract<IpvsadmCommand, { kind: "edit-service" }>;
type EditServer = Extract<IpvsadmCommand, { kind: "edit-server" }>;

export class MergeError extends Error {
  override readonly name = "MergeError";
}

export function mergeServiceEdit(live: Service, cmd: EditService): Service {
  const g = cmd.given;
  const typed = cmd.service.config;
  const c = { ...live.config };
  if (g.scheduler) c.scheduler = typed.scheduler;
  if (g.schedulerFlags) c.schedulerFlags = typed.schedulerFlags;
  if (g.persistence) {
    // -p without -M keeps the live mask (ipvsadm would reset it to /32 or /128); a full
    // config (all fields given, as JSON imports send) may also switch persistence off
    const p = typed.persistence;
    c.persistence = p && {
      timeout: p.timeout,
      netmask: g.netmask ? p.netmask : (live.config.persistence?.netmask ?? p.netmask),
    };
  } else if (g.netmask && c.persistence && typed.persistence === null) {
    throw new MergeError("-M needs -p on an edit (the mask is only kept for persistent services)");
  }
  if (g.pe) c.pe = typed.pe;
  if (g.onePacket) c.onePacket = typed.onePacket;
  return { key: live.key, config: c };
}

export function mergeServerEdit(service: ServiceKey, live: Destination, cmd: EditServer): Destination {
  const g = cmd.given;
  const typed = cmd.destination.config;
  const c = { ...live.config };
  if (g.forwarding) c.forwarding = typed.forwarding;
  if (g.weight) c.weight = typed.weight;
  if (g.upperThreshold) c.upperThreshold = typed.upperThreshold;
  if (g.lowerThreshold) c.lowerThreshold = typed.lowerThreshold;
  if (c.forwarding !== "tunnel") {
    if (g.tunnel && typed.tunnel !== null) throw new MergeError("Tunnel options conflict with forward method");
    c.tunnel = null;
  } else if (g.tunnel) {
    c.tunnel = typed.tunnel;
  } else {
    c.tunnel = live.config.tunnel ?? { type: "ipip", port: 0, checksum: "nocsum" };
  }
  const sameFamily = live.key.address.includes(":") === (service.protocol === "fwmark" ? service.family === "ipv6" : service.address.includes(":"));
  if (!sameFamily && c.forwarding !== "tunnel")
    throw new MergeError("Different address family is allowed only for tunneling servers");
  return { key: live.key, config: c };
}
