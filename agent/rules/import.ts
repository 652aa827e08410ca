// rules.export / rules.import / rules.diff on top of apply.ts. Semantics:
// - replace: the table becomes exactly what the source builds from an empty table, by sending
//   only the difference from the live table (unchanged entries keep their counters), rolled
//   back to the snapshot if the kernel refuses a change;
// - merge, ipvsadm text: the lines run on top of the live table, like `ipvsadm -R`, but all or
//   nothing; with existing "update" (the dashboard) an -A / -a of something the table has
//   updates it instead of failing; merge, JSON and keepalived: missing services/servers are
//   created and differing ones updated, nothing is deleted.
// Export in "ipvsadm" format is `ipvsadm -S -n` plus -x/-y where set (so a save file keeps
// thresholds; ipvsadm -R accepts them); lvsctl -S formats service.list itself, exactly.
import type { RuleCommand } from "@/protocol/ipvsadm/command.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { type RuleLine, formatSave, parseRestore } from "@/protocol/ipvsadm/save.ts";
import { protocolConfig } from "@/protocol/ipvsadm/scheduler-name.ts";
import type { RuleSet, RulesSource } from "@/protocol/agent/rules.ts";
import type { DestinationConfig, ServiceConfig } from "@/protocol/ipvs.ts";
import { type RuleDiffEntry, diffRules, diffRulesMerge } from "@/protocol/rules-diff.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import { type ApplyMode, type LineProblem, RulesApplyError, RulesValidationError, applyPlan, previewRules } from "./apply.ts";
import { countChanges } from "./count-changes.ts";
import { planRules } from "./plan.ts";
import { configsOnly } from "./repair.ts";
import type { HealthConfig } from "@/protocol/health.ts";
import type { KeepalivedParsed } from "@/protocol/keepalived/parse.ts";
import { exportWithChecks, importWarnings, parseKeepalivedSource } from "./keepalived.ts";

/** What the keepalived format needs of the health manager (agent/health/manager.ts). */
export interface HealthChecks {
  config(): HealthConfig;
  configure(c: HealthConfig): Promise<void>;
}

const ALL_SERVICE = { scheduler: true, persistence: true, netmask: true, pe: true, onePacket: true, schedulerFlags: true };
const ALL_DEST = { forwarding: true, weight: true, upperThreshold: true, lowerThreshold: true, tunnel: true };

/** The commands that build a rule set from an empty table. */
export function rulesToLines(rules: RuleSet["services"]): RuleLine[] {
  return parseRestore(formatSave(rules, { thresholds: true, sort: false })).operations;
}

/** JSON merge: create and update only. */
function mergeLines(live: ServiceRules[], proposed: RuleSet["services"]): RuleLine[] {
  return diffRulesMerge(live, proposed).map((c, i): RuleLine => {
    let command: RuleCommand;
    if (!c.destination) {
      const service = { key: c.service, config: c.after as ServiceConfig };
      command = c.action === "create" ? { kind: "add-service", service } : { kind: "edit-service", service, given: ALL_SERVICE };
    } else {
      const destination = { key: c.destination, config: c.after as DestinationConfig };
      command =
        c.action === "create"
          ? { kind: "add-server", service: c.service, destination }
          : { kind: "edit-server", service: c.service, destination, given: ALL_DEST };
    }
    return { line: i + 1, text: `${c.action} ${c.destination ? "server" : "service"}`, command };
  });
}

/**
 * The text names a scheduler outside the known ones by its kernel name, as ipvsadm -S does;
 * JSON can only carry the protocol's placeholder "none" (which an import would write as is).
 */
export async function exportRules(client: IpvsClient, format: RulesSource["format"], health: HealthChecks | null = null): Promise<RulesSource> {
  const services = configsOnly(await client.listServices());
  if (format === "keepalived") return { format, text: exportWithChecks(services, health?.config() ?? null) };
  if (format === "ipvsadm") return { format, text: formatSave(services, { thresholds: true }) };
  return { format, rules: { services: services.map((s) => ({ ...s, config: protocolConfig(s.config) })) } };
}

/** Changes leave in the protocol's terms: a scheduler outside the known ones as "none". */
function protocolChanges(changes: RuleDiffEntry[]): RuleDiffEntry[] {
  const svc = (c: RuleDiffEntry["before"]) => c && protocolConfig(c as ServiceConfig);
  return changes.map((c) => (c.destination ? c : { ...c, before: svc(c.before), after: svc(c.after) }));
}

interface Resolved {
  lines: RuleLine[];
  mode: ApplyMode;
  syntaxErrors: LineProblem[];
  keepalived?: KeepalivedParsed;
}

function resolve(source: RulesSource, mode: ApplyMode, live: ServiceRules[]): Resolved {
  if (source.format === "keepalived") {
    const { parsed, problem } = parseKeepalivedSource(source);
    if (!parsed) return { lines: [], mode, syntaxErrors: problem ? [problem] : [] };
    const rules = parsed.rules.services;
    return { lines: mode === "merge" ? mergeLines(live, rules) : rulesToLines(rules), mode, syntaxErrors: [], keepalived: parsed };
  }
  if (source.format === "json")
    return { lines: mode === "merge" ? mergeLines(live, source.rules.services) : rulesToLines(source.rules.services), mode, syntaxErrors: [] };
  const parsed = parseRestore(source.text);
  return { lines: parsed.operations, mode, syntaxErrors: parsed.errors };
}

export interface ImportResult {
  changes: ReturnType<typeof previewRules>["changes"];
  counts: { create: number; update: number; delete: number };
  applied: boolean;
  errors: { line?: number; message: string }[];
  warnings?: { line?: number; message: string }[];
}

/** After the table: the file's checks replace all (replace) or those of its services (merge). */
async function applyChecks(health: HealthChecks, parsed: KeepalivedParsed, mode: ApplyMode): Promise<void> {
  const mine = new Set(parsed.health.services.map((s) => JSON.stringify(s.key)));
  const kept = mode === "merge" ? health.config().services.filter((s) => !mine.has(JSON.stringify(s.key))) : [];
  await health.configure({ services: [...kept, ...parsed.health.services] });
}

/** The result with the change list, or only its counts (report "counts", no diff ordering). */
export async function importRules(
  client: IpvsClient,
  source: RulesSource,
  mode: ApplyMode,
  dryRun: boolean,
  report: "changes" | "counts" = "changes",
  health: HealthChecks | null = null,
  existing: "fail" | "update" = "fail",
): Promise<ImportResult> {
  // one listing serves the preview, the plan and the rollback snapshot
  const live = configsOnly(await client.listServices());
  const r = resolve(source, mode, live);
  const timeouts = r.lines.some((o) => o.command.kind === "set-timeouts") ? await client.getTimeouts() : null;
  const plan = planRules(live, timeouts, r.lines, r.mode, { existing });
  const proposed = plan.model.toRules();
  const changes = report === "counts" ? [] : protocolChanges(diffRules(live, proposed));
  const counts = report === "counts" ? countChanges(live, proposed) : { create: 0, update: 0, delete: 0 };
  if (report === "changes") for (const c of changes) counts[c.action]++;
  const preview = { changes, counts, ...(r.keepalived ? { warnings: importWarnings(r.keepalived, health !== null) } : {}) };
  const problems = [...r.syntaxErrors, ...plan.problems].sort((a, b) => a.line - b.line);
  if (problems.length > 0 || dryRun)
    return { ...preview, applied: false, errors: problems.map((p) => ({ line: p.line, message: p.message })) };
  try {
    await applyPlan(client, plan);
    if (r.keepalived && health) await applyChecks(health, r.keepalived, mode);
    return { ...preview, applied: true, errors: [] };
  } catch (e) {
    if (e instanceof RulesValidationError)
      return { ...preview, applied: false, errors: e.problems.map((p) => ({ line: p.line, message: p.message })) };
    if (e instanceof RulesApplyError) {
      const undo = e.rolledBack ? "rolled back" : `ROLLBACK INCOMPLETE: ${e.rollbackErrors.join("; ")}`;
      const entry = { message: `${e.line === null ? `${e.text}: ` : ""}${e.kernelMessage} (${undo})` };
      return { ...preview, applied: false, errors: [e.line === null ? entry : { line: e.line, ...entry }] };
    }
    throw e;
  }
}

export async function diffSource(client: IpvsClient, source: RulesSource) {
  const live = configsOnly(await client.listServices());
  const r = resolve(source, "replace", live);
  // a diff of text that does not parse would silently leave lines out of the preview
  if (r.syntaxErrors.length > 0) {
    throw new ProtocolError("bad_request", r.syntaxErrors.map((p) => `line ${p.line}: ${p.message}`).join("\n"), { errors: r.syntaxErrors });
  }
  return protocolChanges(previewRules(live, r.lines, "replace").changes);
}
