// Applies a rule set (parsed ipvsadm -R lines) to the kernel as one batch: every line is
// checked first (field validation from agent/ipvs/validate.ts plus a dry run on an in-memory
// table built from listServices(), so "Service already exists" and friends are caught before
// anything is sent); then the lines are sent in order. If the kernel refuses one part-way,
// the lines already applied are undone in reverse and the table is compared with the snapshot
// (and repaired from it if the undo did not converge). Servers come back in their old order;
// counters zeroed by a "-Z" line cannot be restored, and a re-created service may sit at
// another place inside its kernel hash bucket (the dump order of services is hash order).
import type { DestinationKey, ServiceKey, Timeouts } from "../../protocol/ipvs.ts";
import type { RuleCommand } from "../../protocol/ipvsadm/command.ts";
import type { ServiceRules } from "../../protocol/ipvsadm/names.ts";
import { RuleModel, RuleRejectedError, destKeyString } from "../../protocol/ipvsadm/ruleset.ts";
import type { RuleLine } from "../../protocol/ipvsadm/save.ts";
import { type RuleDiffEntry, diffRules } from "../../protocol/rules-diff.ts";
import { IpvsValidationError } from "../ipvs/errors.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import { validateDestination, validateService } from "../ipvs/validate.ts";
import { configsOnly, repairTo } from "./repair.ts";

export type ApplyMode = "merge" | "replace";

export interface LineProblem {
  line: number;
  text: string;
  message: string;
}

/** Nothing was sent: the listed lines would fail. */
export class RulesValidationError extends Error {
  override readonly name = "RulesValidationError";
  constructor(readonly problems: LineProblem[]) {
    super(problems.map((p) => `line ${p.line}: ${p.message}`).join("\n"));
  }
}

/** The kernel refused a line; what was applied before it has been undone (see rolledBack). */
export class RulesApplyError extends Error {
  override readonly name = "RulesApplyError";
  constructor(
    /** null when the failure was the flush of replace mode */
    readonly line: number | null,
    readonly text: string,
    /** the kernel's refusal as ipvsadm words it (IpvsError's message) */
    readonly kernelMessage: string,
    readonly kernelError: unknown,
    /** true when the table matched the snapshot again afterwards */
    readonly rolledBack: boolean,
    readonly rollbackErrors: string[],
  ) {
    super(line === null ? `flush failed: ${kernelMessage}` : `line ${line}: ${kernelMessage}`);
  }
}

export interface ApplyReport {
  /** number of lines sent to the kernel */
  applied: number;
  /** the table as the model expects it afterwards */
  expected: ServiceRules[];
}

type Step = () => Promise<void>;

interface Planned {
  line: number;
  text: string;
  run: Step;
  /** undoes `run`, computed from the state before it */
  undo: Step[];
}

function recreate(client: IpvsClient, s: ServiceRules): Step[] {
  // the kernel lists servers newest first: re-add oldest first to restore that order
  return [
    () => client.createService({ key: s.key, config: s.config }),
    ...[...s.destinations].reverse().map((d) => () => client.createDestination(s.key, d)),
  ];
}

/** Runs the model step and the field checks; returns the problem text or null. */
function tryLine(model: RuleModel, cmd: RuleCommand): string | null {
  try {
    model.apply(cmd);
    validateAgainst(model, cmd);
    return null;
  } catch (e) {
    if (e instanceof IpvsValidationError) return e.issues.join("; ");
    if (e instanceof RuleRejectedError) return e.message;
    throw e;
  }
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
function runOf(client: IpvsClient, after: RuleModel, cmd: RuleCommand): Step {
  switch (cmd.kind) {
    case "add-service":
      return () => client.createService(cmd.service);
    case "edit-service": {
      const full = after.getService(cmd.service.key)!;
      return () => client.updateService(full);
    }
    case "delete-service":
      return () => client.deleteService(cmd.service);
    case "flush":
      return () => client.flush();
    case "zero":
      return () => client.zero(cmd.service ?? undefined);
    case "set-timeouts":
      return () => client.setTimeouts(nonZero(cmd.timeouts));
    case "add-server":
      return () => client.createDestination(cmd.service, cmd.destination);
    case "edit-server": {
      const full = after.getDestination(cmd.service, cmd.destination.key)!;
      return () => client.updateDestination(cmd.service, full);
    }
    case "delete-server":
      return () => client.deleteDestination(cmd.service, cmd.destination);
  }
}

/** How to undo a command, from the model state before it. Empty when nothing to undo. */
function undoOf(client: IpvsClient, before: RuleModel, cmd: RuleCommand, timeouts: Timeouts | null): Step[] {
  switch (cmd.kind) {
    case "add-service":
      return [() => client.deleteService(cmd.service.key)];
    case "edit-service": {
      const old = before.getService(cmd.service.key);
      return old ? [() => client.updateService(old)] : [];
    }
    case "delete-service": {
      const old = before.getServiceRules(cmd.service);
      return old ? recreate(client, old) : [];
    }
    case "flush":
      return before.toRules().flatMap((s) => recreate(client, s));
    case "zero":
      return [];
    case "set-timeouts":
      return timeouts ? [() => client.setTimeouts(timeouts)] : [];
    case "add-server":
      return [() => client.deleteDestination(cmd.service, cmd.destination.key)];
    case "edit-server": {
      const old = before.getDestination(cmd.service, cmd.destination.key);
      return old ? [() => client.updateDestination(cmd.service, old)] : [];
    }
    case "delete-server":
      return undoServerDelete(client, before, cmd.service, cmd.destination);
  }
}

/**
 * Re-add a deleted server at its old position: the kernel puts a new server first, so the
 * servers that were newer than it are deleted and re-added after it, oldest first. (A server
 * re-added within 120 s is revived from the kernel's trash with its connections.)
 */
function undoServerDelete(client: IpvsClient, before: RuleModel, svc: ServiceKey, key: DestinationKey): Step[] {
  const rules = before.getServiceRules(svc);
  const at = rules?.destinations.findIndex((d) => destKeyString(d.key) === destKeyString(key)) ?? -1;
  if (!rules || at < 0) return [];
  const newer = rules.destinations.slice(0, at).reverse();
  return [
    () => client.createDestination(svc, rules.destinations[at]!),
    ...newer.flatMap((d) => [() => client.deleteDestination(svc, d.key), () => client.createDestination(svc, d)]),
  ];
}

/** Dry run: every problem of every line, and the kernel calls with their undo. */
function plan(client: IpvsClient, snapshot: ServiceRules[], timeouts: Timeouts | null, ops: readonly RuleLine[], mode: ApplyMode) {
  const model = RuleModel.from(mode === "replace" ? [] : snapshot);
  const steps: Planned[] = [];
  const problems: LineProblem[] = [];
  let current = timeouts;
  for (const op of ops) {
    const cmd = op.command;
    const undo = undoOf(client, model, cmd, current);
    const problem = tryLine(model, cmd);
    if (problem !== null) {
      problems.push({ line: op.line, text: op.text, message: problem });
      continue;
    }
    if (cmd.kind === "set-timeouts" && current) current = mergeTimeouts(current, cmd.timeouts);
    steps.push({ line: op.line, text: op.text, run: runOf(client, model, cmd), undo });
  }
  return { steps, problems, model };
}

/** Validate everything, then apply in order; all or nothing (see the file comment). */
export async function applyRules(client: IpvsClient, ops: readonly RuleLine[], mode: ApplyMode = "merge"): Promise<ApplyReport> {
  const snapshot = configsOnly(await client.listServices());
  const timeouts = ops.some((o) => o.command.kind === "set-timeouts") ? await client.getTimeouts() : null;
  const { steps, problems, model } = plan(client, snapshot, timeouts, ops, mode);
  if (problems.length > 0) throw new RulesValidationError(problems);

  const done: Step[][] = [];
  const fail = async (line: number | null, text: string, err: unknown): Promise<never> => {
    const rollbackErrors: string[] = [];
    for (const undo of done.reverse()) {
      for (const step of undo) {
        try {
          await step();
        } catch (e) {
          rollbackErrors.push((e as Error).message);
        }
      }
    }
    let rolledBack = false;
    try {
      rolledBack = await repairTo(client, snapshot, timeouts, rollbackErrors);
    } catch (e) {
      rollbackErrors.push(`repair: ${(e as Error).message}`);
    }
    throw new RulesApplyError(line, text, (err as Error).message, err, rolledBack, rollbackErrors);
  };

  if (mode === "replace") {
    try {
      await client.flush();
    } catch (e) {
      return fail(null, "", e);
    }
    done.push(snapshot.flatMap((s) => recreate(client, s)));
  }
  for (const step of steps) {
    try {
      await step.run();
    } catch (e) {
      return fail(step.line, step.text, e);
    }
    done.push(step.undo);
  }
  return { applied: steps.length, expected: model.toRules() };
}

/** What an import would change and which lines would fail, without touching the kernel. */
export function previewRules(
  live: readonly ServiceRules[],
  ops: readonly RuleLine[],
  mode: ApplyMode,
): { problems: LineProblem[]; changes: RuleDiffEntry[]; proposed: ServiceRules[] } {
  const current = configsOnly(live);
  const model = RuleModel.from(mode === "replace" ? [] : current);
  const problems: LineProblem[] = [];
  for (const op of ops) {
    const p = tryLine(model, op.command);
    if (p !== null) problems.push({ line: op.line, text: op.text, message: p });
  }
  const proposed = model.toRules();
  return { problems, changes: diffRules(current, proposed), proposed };
}
