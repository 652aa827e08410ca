// The import preview: the server's rule changes (protocol RuleChange) as rows of added /
// changed / removed services and real servers, with the fields that differ for a change and
// each one's value before and after ("weight 5 → 3").
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/index.ts";
import type { DestinationConfig, ServiceConfig } from "@/protocol/ipvs.ts";
import type { RuleChange } from "@/protocol/agent/rules.ts";
import { destinationFieldsChanged, serviceFieldsChanged } from "@/protocol/rules-diff.ts";

export type ChangeKind = "added" | "changed" | "removed";

export interface ChangeRow {
  kind: ChangeKind;
  /** "service" or "real server" */
  what: string;
  service: string;
  destination: string | null;
  fields: string[];
}

const KIND = { create: "added", update: "changed", delete: "removed" } as const;

export function changeRows(changes: readonly RuleChange[]): ChangeRow[] {
  return changes.map((c) => {
    let fields: string[] = [];
    if (c.action === "update" && c.before && c.after) {
      fields = c.destination
        ? destinationFieldsChanged(c.before as DestinationConfig, c.after as DestinationConfig)
        : serviceFieldsChanged(c.before as ServiceConfig, c.after as ServiceConfig);
    }
    return {
      kind: KIND[c.action],
      what: c.destination ? "real server" : "service",
      service: serviceKeyString(c.service),
      destination: c.destination ? destinationKeyString(c.destination) : null,
      fields,
    };
  });
}

export function countByKind(rows: readonly ChangeRow[]): Record<ChangeKind, number> {
  const out = { added: 0, changed: 0, removed: 0 };
  for (const r of rows) out[r.kind]++;
  return out;
}

/** An update's changed fields with their values: ["weight 5 → 3"]; empty for other changes. */
export function changeDetails(c: RuleChange): string[] {
  if (c.action !== "update" || !c.before || !c.after) return [];
  const fields = c.destination
    ? destinationFieldsChanged(c.before as DestinationConfig, c.after as DestinationConfig)
    : serviceFieldsChanged(c.before as ServiceConfig, c.after as ServiceConfig);
  return fields.map((f) => `${f} ${fieldValue(c.before, f)} → ${fieldValue(c.after, f)}`);
}

/** A field's value as the diff compares it (protocol/rules-diff.ts field names), "none" for unset. */
export function fieldValue(config: RuleChange["before"], field: string): string {
  if (!config) return "none";
  const c = config as unknown as Record<string, unknown>;
  if (field === "schedulerFlags") return ((c.schedulerFlags as string[] | undefined) ?? []).join(",") || "none";
  const [head, sub] = field.split(".") as [string, string | undefined];
  const v = sub === undefined ? c[head] : (c[head] as Record<string, unknown> | null | undefined)?.[sub];
  return v === null || v === undefined ? "none" : String(v);
}
