// The import preview: the server's rule changes (protocol RuleChange) as rows of added /
// changed / removed services and real servers, with the fields that differ for a change.
import { destinationKeyString, serviceKeyString } from "../../protocol/dashboard.ts";
import type { DestinationConfig, ServiceConfig } from "../../protocol/ipvs.ts";
import type { RuleChange } from "../../protocol/messages-rules.ts";
import { destinationFieldsChanged, serviceFieldsChanged } from "../../protocol/rules-diff.ts";

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
