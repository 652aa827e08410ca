// Difference between the running rule set and a proposed one (the import preview): services
// and real servers created, updated (with the fields that differ) or deleted, keyed by
// ServiceKey / DestinationKey. Order is stable and independent of input order: by service key
// (tcp, udp, sctp, fwmark; IPv4 before IPv6; addresses and ports numerically), and inside a
// service the service change first, then its servers by key; for a deleted service its
// servers come first, so the list can be applied top to bottom.
import type { Destination, DestinationConfig, DestinationKey, ServiceConfig, ServiceKey } from "./ipvs.ts";
import { addrWords, canonicalAddress } from "./ipvsadm/addr.ts";
import type { ServiceRules } from "./ipvsadm/names.ts";
import { destKeyString, serviceKeyString } from "./ipvsadm/ruleset.ts";
import type { RuleChange } from "./agent/rules.ts";

/** RuleChange (protocol/agent/rules.ts) plus the names of the fields that differ. */
export type RuleDiffEntry = RuleChange & { fields: string[] };

const PROTO_ORDER = { tcp: 0, udp: 1, sctp: 2, fwmark: 3 } as const;

function compareWords(a: string, b: string): number {
  const wa = addrWords(a);
  const wb = addrWords(b);
  for (let i = 0; i < 4; i++) if (wa[i] !== wb[i]) return wa[i]! < wb[i]! ? -1 : 1;
  return 0;
}

/** A total, numeric order on service keys (unlike ipvsadm's listing order). */
export function compareServiceKeysNumeric(a: ServiceKey, b: ServiceKey): number {
  if (a.protocol !== b.protocol) return PROTO_ORDER[a.protocol] - PROTO_ORDER[b.protocol];
  if (a.protocol === "fwmark" && b.protocol === "fwmark")
    return a.family !== b.family ? (a.family === "ipv4" ? -1 : 1) : a.fwmark - b.fwmark;
  if (a.protocol === "fwmark" || b.protocol === "fwmark") return 0;
  const fa = a.address.includes(":");
  const fb = b.address.includes(":");
  if (fa !== fb) return fa ? 1 : -1;
  return compareWords(a.address, b.address) || a.port - b.port;
}

export function compareDestinationKeysNumeric(a: DestinationKey, b: DestinationKey): number {
  const fa = a.address.includes(":");
  const fb = b.address.includes(":");
  if (fa !== fb) return fa ? 1 : -1;
  return compareWords(a.address, b.address) || a.port - b.port;
}

function normalizeService(c: ServiceConfig): Record<string, unknown> {
  return {
    scheduler: c.scheduler,
    schedulerFlags: [...c.schedulerFlags].sort().join(","),
    "persistence.timeout": c.persistence?.timeout ?? null,
    "persistence.netmask": c.persistence ? c.persistence.netmask : null,
    pe: c.pe,
    onePacket: c.onePacket,
  };
}

function normalizeDestination(c: DestinationConfig): Record<string, unknown> {
  const t = c.forwarding === "tunnel" ? (c.tunnel ?? { type: "ipip", port: 0, checksum: "nocsum" }) : null;
  return {
    forwarding: c.forwarding,
    weight: c.weight,
    upperThreshold: c.upperThreshold,
    lowerThreshold: c.lowerThreshold,
    "tunnel.type": t?.type ?? null,
    "tunnel.port": t && t.type === "gue" ? t.port : null,
    "tunnel.checksum": t && t.type !== "ipip" ? t.checksum : null,
  };
}

function differingFields(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}

export function serviceFieldsChanged(before: ServiceConfig, after: ServiceConfig): string[] {
  return differingFields(normalizeService(before), normalizeService(after));
}

export function destinationFieldsChanged(before: DestinationConfig, after: DestinationConfig): string[] {
  return differingFields(normalizeDestination(before), normalizeDestination(after));
}

const canonKey = (k: ServiceKey): ServiceKey =>
  k.protocol === "fwmark" ? k : { ...k, address: canonicalAddress(k.address) };
const canonDest = (k: DestinationKey): DestinationKey => ({ ...k, address: canonicalAddress(k.address) });

function diffDestinations(svc: ServiceKey, live: Destination[], proposed: Destination[]): RuleDiffEntry[] {
  const before = new Map(live.map((d) => [destKeyString(d.key), d]));
  const after = new Map(proposed.map((d) => [destKeyString(d.key), d]));
  const keys = new Map<string, DestinationKey>();
  for (const d of [...live, ...proposed]) keys.set(destKeyString(d.key), canonDest(d.key));
  const out: RuleDiffEntry[] = [];
  for (const [k, key] of [...keys].sort((x, y) => compareDestinationKeysNumeric(x[1], y[1]))) {
    const b = before.get(k);
    const a = after.get(k);
    if (b && !a) out.push({ action: "delete", service: svc, destination: key, before: b.config, after: null, fields: [] });
    else if (!b && a) out.push({ action: "create", service: svc, destination: key, before: null, after: a.config, fields: [] });
    else if (a && b) {
      const fields = destinationFieldsChanged(b.config, a.config);
      if (fields.length > 0) out.push({ action: "update", service: svc, destination: key, before: b.config, after: a.config, fields });
    }
  }
  return out;
}

/** Every change that turns `live` into `proposed` (replace semantics). */
export function diffRules(live: readonly ServiceRules[], proposed: readonly ServiceRules[]): RuleDiffEntry[] {
  const before = new Map(live.map((s) => [serviceKeyString(s.key), s]));
  const after = new Map(proposed.map((s) => [serviceKeyString(s.key), s]));
  const keys = new Map<string, ServiceKey>();
  for (const s of [...live, ...proposed]) keys.set(serviceKeyString(s.key), canonKey(s.key));
  const out: RuleDiffEntry[] = [];
  for (const [k, key] of [...keys].sort((x, y) => compareServiceKeysNumeric(x[1], y[1]))) {
    const b = before.get(k);
    const a = after.get(k);
    if (b && !a) {
      out.push(...diffDestinations(key, b.destinations, []));
      out.push({ action: "delete", service: key, before: b.config, after: null, fields: [] });
    } else if (!b && a) {
      out.push({ action: "create", service: key, before: null, after: a.config, fields: [] });
      out.push(...diffDestinations(key, [], a.destinations));
    } else if (a && b) {
      const fields = serviceFieldsChanged(b.config, a.config);
      if (fields.length > 0) out.push({ action: "update", service: key, before: b.config, after: a.config, fields });
      out.push(...diffDestinations(key, b.destinations, a.destinations));
    }
  }
  return out;
}

/** Merge semantics: only creations and updates (what an import in "merge" mode would do). */
export function diffRulesMerge(live: readonly ServiceRules[], proposed: readonly ServiceRules[]): RuleDiffEntry[] {
  return diffRules(live, proposed).filter((c) => c.action !== "delete");
}

