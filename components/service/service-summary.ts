// One-line descriptions of a service's and a real server's configuration, as an operator
// reads them in ipvsadm -Ln: "wlc, persistent 300 s /24, one-packet", "route, weight 1".
import type { DestinationConfig, ServiceConfig } from "@/protocol/ipvs.ts";
import { schedulerFlagLabel } from "./service-form-model.ts";

export function describeService(c: ServiceConfig): string {
  const parts: string[] = [c.scheduler];
  const flags = (c.schedulerFlags ?? []).map((f) => schedulerFlagLabel(c.scheduler, f));
  if (flags.length > 0) parts.push(`flags ${flags.join(",")}`);
  const p = c.persistence ?? null;
  if (p) parts.push(`persistent ${p.timeout} s${p.netmask && p.netmask !== "255.255.255.255" && p.netmask !== "128" ? ` mask ${p.netmask}` : ""}`);
  if (c.pe) parts.push(`pe ${c.pe}`);
  if (c.onePacket) parts.push("one-packet");
  return parts.join(", ");
}

export function describeForwarding(c: DestinationConfig): string {
  const t = c.tunnel ?? null;
  if (c.forwarding !== "tunnel" || !t) return c.forwarding;
  const extra = [t.type, t.type === "gue" ? `port ${t.port}` : "", t.type !== "ipip" ? t.checksum : ""].filter(Boolean);
  return `tunnel (${extra.join(", ")})`;
}

export function describeThresholds(c: DestinationConfig): string {
  const u = c.upperThreshold ?? 0;
  const l = c.lowerThreshold ?? 0;
  if (u === 0 && l === 0) return "—";
  return `${l}–${u}`;
}
