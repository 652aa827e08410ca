// The dry run of an import: every rule line run on an in-memory model of the table (the
// kernel's outcomes as ipvsadm words them, plus the field checks of agent/ipvs/validate.ts),
// giving the problems, and for each good line the kernel change to send and the changes that
// undo it, computed from the model's state before the line.
import type { DestinationKey, ServiceKey, Timeouts } from "@/protocol/ipvs.ts";
import type { RuleCommand } from "@/protocol/ipvsadm/command.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { RuleModel, RuleRejectedError, destKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import type { RuleLine } from "@/protocol/ipvsadm/save.ts";
import { unwritableScheduler } from "@/protocol/ipvsadm/scheduler-name.ts";
import { IpvsValidationError } from "../ipvs/errors.ts";
import type { IpvsChange } from "../ipvs/types.ts";
import { validateDestination, validateService } from "../ipvs/validate.ts";
import { diffCommands, lineKey, upsertOf } from "./plan-diff.ts";

export type ApplyMode = "merge" | "replace";

export interface LineProblem {
  line: number;
  text: string;
  message: string;
}

export interface Planned {
  /** null for a replace's delete of something no line names */
  line: number | null;
  text: string;
  run: IpvsChange;
  /** undoes `run`, computed from the state before it */
  undo: IpvsChange[];
}

export function recreate(s: ServiceRules): IpvsChange[] {
  // the kernel lists servers newest first: re-add oldest first to restore that order
  return [
    { op: "createService", service: { key: s.key, config: s.config } },
    ...[...s.destinations].reverse().map((d): IpvsChange => ({ op: "createDestination", service: s.key, destination: d })),
  ];
}

/** Runs the model step and the field checks; returns the problem text or null. */
function tryLine(model: RuleModel, cmd: RuleCommand): string | null {
  try {
    model.apply(cmd);
    const unwritable = unwritableAfter(model, cmd);
    if (unwritable !== null) return unwritable;
    validateAgainst(model, cmd);
    return null;
  } catch (e) {
    if (e instanceof IpvsValidationError) return e.issues.join("; ");
    if (e instanceof RuleRejectedError) return e.message;
    throw e;
  }
}

/**
 * A line that creates or changes a service with a scheduler outside the known ones (read as
 * typed, e.g. `-s twos` from an export, or kept from the live table by an -E without -s) is
 * refused, naming the line, before anything is sent. Passing the name on to the kernel would
 * be ipvsadm's way, but the domain model's Scheduler is a closed set checked on every write
 * (agent/ipvs/validate.ts, the protocol's schemas), and an undo could not write it back
 * either. The model keeps the line's service, so a diff of an unchanged table stays empty.
 */
function unwritableAfter(model: RuleModel, cmd: RuleCommand): string | null {
  if (cmd.kind !== "add-service" && cmd.kind !== "edit-service") return null;
  const svc = model.getService(cmd.service.key);
  return svc ? unwritableScheduler(svc.config) : null;
}

/** Field checks of the config the kernel will actually get (after edits are merged). */
function validateAgainst(model: RuleModel, cmd: RuleCommand): void {
  if (cmd.kind === "add-service") validateService("createService", cmd.service);
  if (cmd.kind === "add-server") validateDestination("createDestination", cmd.service, cmd.destination);
  if (cmd.kind === "edit-service") validateService("updateService", model.getService(cmd.service.key));
  if (cmd.kind === "edit-server")
    validateDestination("updateDestination", cmd.service, model.getDestination(cmd.service, cmd.destination.key));
}

function mergeTimeouts(cur: Timeouts, t: Timeouts): Timeouts {
  return { tcp: t.tcp || cur.tcp, tcpFin: t.tcpFin || cur.tcpFin, udp: t.udp || cur.udp };
}

function nonZero(t: Timeouts): Partial<Timeouts> {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== 0));
}

/** The kernel call for a command, with edits resolved to full configs from the model. */
function runOf(after: RuleModel, cmd: RuleCommand): IpvsChange {
  switch (cmd.kind) {
    case "add-service":
      return { op: "createService", service: cmd.service };
    case "edit-service":
      return { op: "updateService", service: after.getService(cmd.service.key)! };
    case "delete-service":
      return { op: "deleteService", key: cmd.service };
    case "flush":
      return { op: "flush" };
    case "zero":
      return cmd.service ? { op: "zero", key: cmd.service } : { op: "zero" };
    case "set-timeouts":
      return { op: "setTimeouts", timeouts: nonZero(cmd.timeouts) };
    case "add-server":
      return { op: "createDestination", service: cmd.service, destination: cmd.destination };
    case "edit-server":
      return { op: "updateDestination", service: cmd.service, destination: after.getDestination(cmd.service, cmd.destination.key)! };
    case "delete-server":
      return { op: "deleteDestination", service: cmd.service, key: cmd.destination };
  }
}

/** How to undo a command, from the model state before it. Empty when nothing to undo. */
function undoOf(before: RuleModel, cmd: RuleCommand, timeouts: Timeouts | null): IpvsChange[] {
  switch (cmd.kind) {
    case "add-service":
      return [{ op: "deleteService", key: cmd.service.key }];
    case "edit-service": {
      const old = before.getService(cmd.service.key);
      return old ? [{ op: "updateService", service: old }] : [];
    }
    case "delete-service": {
      const old = before.getServiceRules(cmd.service);
      return old ? recreate(old) : [];
    }
    case "flush":
      return before.toRules().flatMap(recreate);
    case "zero":
      return [];
    case "set-timeouts":
      return timeouts ? [{ op: "setTimeouts", timeouts }] : [];
    case "add-server":
      return [{ op: "deleteDestination", service: cmd.service, key: cmd.destination.key }];
    case "edit-server": {
      const old = before.getDestination(cmd.service, cmd.destination.key);
      return old ? [{ op: "updateDestination", service: cmd.service, destination: old }] : [];
    }
    case "delete-server":
      return undoServerDelete(before, cmd.service, cmd.destination);
  }
}

/**
 * Re-add a deleted server at its old position: the kernel puts a new server first, so the
 * servers that were newer than it are deleted and re-added after it, oldest first. (A server
 * re-added within 120 s is revived from the kernel's trash with its connections.)
 */
function undoServerDelete(before: RuleModel, svc: ServiceKey, key: DestinationKey): IpvsChange[] {
  const rules = before.getServiceRules(svc);
  const at = rules?.destinations.findIndex((d) => destKeyString(d.key) === destKeyString(key)) ?? -1;
  if (!rules || at < 0) return [];
  const newer = rules.destinations.slice(0, at).reverse();
  return [
    { op: "createDestination", service: svc, destination: rules.destinations[at]! },
    ...newer.flatMap((d): IpvsChange[] => [
      { op: "deleteDestination", service: svc, key: d.key },
      { op: "createDestination", service: svc, destination: d },
    ]),
  ];
}

/** A dry run of every line on a model of the table: the problems, and the kernel calls with their undo. */
export interface RulePlan {
  mode: ApplyMode;
  /** the table the plan starts from (keys and configs) */
  snapshot: ServiceRules[];
  /** the timeouts before, when a line sets them (for the undo) */
  timeouts: Timeouts | null;
  steps: Planned[];
  problems: LineProblem[];
  /** the table after the steps */
  model: RuleModel;
}

export interface PlanOptions {
  /**
   * merge only: "update" makes an -A / -a of something the live table has an update (add or
   * update, the dashboard's merge); "fail" refuses it as the kernel does (ipvsadm -R, lvsctl -R)
   */
  existing?: "fail" | "update";
}

export function planRules(
  snapshot: ServiceRules[],
  timeouts: Timeouts | null,
  ops: readonly RuleLine[],
  mode: ApplyMode,
  options: PlanOptions = {},
): RulePlan {
  if (mode === "replace") return planReplace(snapshot, timeouts, ops);
  const run = runLines(RuleModel.from(snapshot), timeouts, ops, options.existing === "update");
  return { mode, snapshot, timeouts, steps: run.steps, problems: run.problems, model: run.model };
}

interface LinesRun {
  model: RuleModel;
  steps: Planned[];
  problems: LineProblem[];
  /** lineKey() -> the last line that added or edited that entry */
  lines: Map<string, RuleLine>;
}

function runLines(model: RuleModel, timeouts: Timeouts | null, ops: readonly RuleLine[], upsert: boolean): LinesRun {
  const steps: Planned[] = [];
  const problems: LineProblem[] = [];
  const lines = new Map<string, RuleLine>();
  const added = new Set<string>();
  let current = timeouts;
  for (const op of ops) {
    let cmd = op.command;
    if (upsert) {
      const instead = upsertOf(model, cmd, added);
      if (instead === "skip") continue;
      if (instead) cmd = instead;
    }
    const undo = undoOf(model, cmd, current);
    const problem = tryLine(model, cmd);
    if (problem !== null) {
      problems.push({ line: op.line, text: op.text, message: problem });
      continue;
    }
    const key = lineKey(cmd);
    if (key !== null) lines.set(key, op);
    if (key !== null && (cmd.kind === "add-service" || cmd.kind === "add-server")) added.add(key);
    if (cmd.kind === "set-timeouts" && current) current = mergeTimeouts(current, cmd.timeouts);
    steps.push({ line: op.line, text: op.text, run: runOf(model, cmd), undo });
  }
  return { model, steps, problems, lines };
}

/**
 * Replace: the lines run on an empty model (their problems, and the table they build); what is
 * sent is only the difference from the live table to it (plan-diff.ts), then the lines' timeouts
 * and zeroing (a zero of a service the table no longer has is left out).
 */
function planReplace(snapshot: ServiceRules[], timeouts: Timeouts | null, ops: readonly RuleLine[]): RulePlan {
  const built = runLines(RuleModel.from([]), timeouts, ops, false);
  // nothing is sent with problems; the model (kept lines included) still gives the preview
  if (built.problems.length > 0) return { mode: "replace", snapshot, timeouts, steps: [], problems: built.problems, model: built.model };
  const proposed = built.model.toRules();
  const model = RuleModel.from(snapshot);
  const steps: Planned[] = [];
  const problems = [...built.problems];
  for (const c of diffCommands(snapshot, proposed, built.lines)) {
    const undo = undoOf(model, c.command, null);
    const problem = tryLine(model, c.command);
    if (problem !== null) problems.push({ line: c.line ?? 0, text: c.text, message: problem });
    else steps.push({ line: c.line, text: c.text, run: runOf(model, c.command), undo });
  }
  for (const s of built.steps) {
    const r = s.run;
    if (r.op === "setTimeouts" || (r.op === "zero" && (!r.key || model.getService(r.key)))) steps.push(s);
  }
  return { mode: "replace", snapshot, timeouts, steps, problems, model };
}
