// Rule sets: export (ipvsadm -S -n text or JSON), import (replace or merge, with dry run),
// and diff against the running table. Thresholds, which ipvsadm-save drops, survive in JSON.
import {
  Destination,
  DestinationConfig,
  DestinationKey,
  Service,
  ServiceConfig,
  ServiceKey,
} from "../ipvs.ts";
import { z } from "zod";

export const RuleSet = z.object({
  services: z.array(Service.extend({ destinations: z.array(Destination) })),
});
export type RuleSet = z.infer<typeof RuleSet>;

export const RulesFormat = z.enum(["ipvsadm", "json", "keepalived"]);
export const RulesSource = z.discriminatedUnion("format", [
  /** ipvsadm-restore syntax, as printed by `ipvsadm -S -n` */
  z.object({ format: z.literal("ipvsadm"), text: z.string().max(16 * 1024 * 1024) }),
  z.object({ format: z.literal("json"), rules: RuleSet }),
  /**
   * keepalived.conf (protocol/keepalived/): the table, and its health checks on import; the
   * files it includes travel by name in `files` (the agent reads no file an import names)
   */
  z.object({
    format: z.literal("keepalived"),
    text: z.string().max(16 * 1024 * 1024),
    files: z.record(z.string().max(4096), z.string().max(16 * 1024 * 1024)).optional(),
  }),
]);
export type RulesSource = z.infer<typeof RulesSource>;

export const RulesExport = z.object({ format: RulesFormat.default("ipvsadm") });
export const RulesExported = RulesSource;

export const RuleChange = z.object({
  action: z.enum(["create", "update", "delete"]),
  service: ServiceKey,
  /** absent for a change of the service itself */
  destination: DestinationKey.optional(),
  before: z.union([ServiceConfig, DestinationConfig]).nullable(),
  after: z.union([ServiceConfig, DestinationConfig]).nullable(),
});
export type RuleChange = z.infer<typeof RuleChange>;

export const RulesDiff = z.object({ source: RulesSource });
export const RulesDiffResult = z.object({ changes: z.array(RuleChange) });

export const RulesImport = z.object({
  source: RulesSource,
  /** replace: the table becomes exactly the source; merge: only create/update */
  mode: z.enum(["replace", "merge"]).default("replace"),
  dryRun: z.boolean().default(false),
  /**
   * "counts": answer `changes: []` and only `counts` (a 25,000-line import lists 25,000
   * changes, megabytes of JSON nobody reads when applying, e.g. `lvsctl -R`).
   */
  report: z.enum(["changes", "counts"]).default("changes"),
  /**
   * merge of ipvsadm text: what an -A / -a of a service or real server the table already has
   * does. "fail": the kernel's "already exists", as ipvsadm -R (lvsctl -R); "update": it is
   * updated to the line (add or update, the dashboard's merge). Other formats always update.
   */
  existing: z.enum(["fail", "update"]).default("fail"),
});
export const ChangeCounts = z.object({ create: z.number().int(), update: z.number().int(), delete: z.number().int() });
export const RulesImported = z.object({
  changes: z.array(RuleChange),
  /** how many changes of each kind (agents before this field omit it) */
  counts: ChangeCounts.optional(),
  applied: z.boolean(),
  errors: z.array(z.object({ line: z.number().int().optional(), message: z.string() })),
  /** keepalived format: keywords not carried, each naming its line (absent for other formats) */
  warnings: z.array(z.object({ line: z.number().int().optional(), message: z.string() })).optional(),
});
