// Applies a rule set (parsed ipvsadm -R lines) to the kernel as one batch: every line is
// checked first (field validation from agent/ipvs/validate.ts plus a dry run on an in-memory
// table built from listServices(), so "Service already exists" and friends are caught before
// anything is sent); then the lines are sent in order (replace mode: only the difference from
// the live table, see plan-diff.ts, so what is unchanged keeps its counters). If the kernel refuses one part-way,
// the lines already applied are undone in reverse and the table is compared with the snapshot
// (and repaired from it if the undo did not converge). Servers come back in their old order;
// counters zeroed by a "-Z" line cannot be restored, and a re-created service may sit at
// another place inside its kernel hash bucket (the dump order of services is hash order).
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import type { RuleLine } from "@/protocol/ipvsadm/save.ts";
import { type RuleDiffEntry, diffRules } from "@/protocol/rules-diff.ts";
import type { IpvsChange, IpvsClient } from "../ipvs/types.ts";
import { type ApplyMode, type LineProblem, type PlanOptions, type RulePlan, planRules } from "./plan.ts";
import { configsOnly, repairTo } from "./repair.ts";
import { runChange } from "./run-change.ts";

export type { ApplyMode, LineProblem, PlanOptions, RulePlan };

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
    /** null for a change no line names (a replace's delete of what the rules leave out) */
    readonly line: number | null,
    readonly text: string,
    /** the kernel's refusal as ipvsadm words it (IpvsError's message) */
    readonly kernelMessage: string,
    readonly kernelError: unknown,
    /** true when the table matched the snapshot again afterwards */
    readonly rolledBack: boolean,
    readonly rollbackErrors: string[],
  ) {
    super(line === null ? `${text}: ${kernelMessage}` : `line ${line}: ${kernelMessage}`);
  }
}

export interface ApplyReport {
  /** number of lines sent to the kernel */
  applied: number;
  /** the table as the model expects it afterwards */
  expected: ServiceRules[];
}

/** Validate everything, then apply in order; all or nothing (see the file comment). */
export async function applyRules(
  client: IpvsClient,
  ops: readonly RuleLine[],
  mode: ApplyMode = "merge",
  options: PlanOptions = {},
): Promise<ApplyReport> {
  const snapshot = configsOnly(await client.listServices());
  const timeouts = ops.some((o) => o.command.kind === "set-timeouts") ? await client.getTimeouts() : null;
  return applyPlan(client, planRules(snapshot, timeouts, ops, mode, options));
}

/** Changes per applyBatch call: bounds the memory of encoded requests, not the speed. */
const BATCH_CHANGES = 2048;

/** Sends a plan made by planRules (its snapshot must be the live table); all or nothing. */
export async function applyPlan(client: IpvsClient, plan: RulePlan): Promise<ApplyReport> {
  const { steps, problems, model, snapshot, timeouts } = plan;
  if (problems.length > 0) throw new RulesValidationError(problems);
  const since = client.mutationCount?.() ?? 0;
  let calls = 0;

  /** undo lists of the changes that took effect, in the order they did */
  const done: IpvsChange[][] = [];
  const fail = async (line: number | null, text: string, err: unknown): Promise<never> => {
    const rollbackErrors: string[] = [];
    for (const undo of done.reverse()) {
      for (const change of undo) {
        try {
          await runChange(client, change);
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

  if (client.applyBatch) {
    for (let at = 0; at < steps.length; at += BATCH_CHANGES) {
      const slice = steps.slice(at, at + BATCH_CHANGES);
      calls++;
      const outcomes = await client.applyBatch(
        slice.map((s) => s.run),
        { stopOnError: true },
      );
      let failed = -1;
      for (const [i, o] of outcomes.entries()) {
        // changes after a refused one in the same write still ran: they are undone too
        if (o.status === "done") done.push(slice[i]!.undo);
        else if (o.status === "failed" && failed < 0) failed = i;
      }
      const f = outcomes[failed];
      if (f?.status === "failed") return fail(slice[failed]!.line, slice[failed]!.text, f.error);
    }
  } else {
    for (const step of steps) {
      try {
        calls++;
        await runChange(client, step.run);
      } catch (e) {
        return fail(step.line, step.text, e);
      }
      done.push(step.undo);
    }
  }
  const expected = model.toRules();
  client.noteTable?.(expected, since, calls);
  return { applied: steps.length, expected };
}

/** What an import would change and which lines would fail, without touching the kernel. */
export function previewRules(
  live: readonly ServiceRules[],
  ops: readonly RuleLine[],
  mode: ApplyMode,
  options: PlanOptions = {},
): { problems: LineProblem[]; changes: RuleDiffEntry[]; proposed: ServiceRules[] } {
  return previewOf(planRules(configsOnly(live), null, ops, mode, options));
}

/** The preview of a plan: its problems and the diff from its snapshot to its result. */
export function previewOf(plan: RulePlan): { problems: LineProblem[]; changes: RuleDiffEntry[]; proposed: ServiceRules[] } {
  const proposed = plan.model.toRules();
  return { problems: plan.problems, changes: diffRules(plan.snapshot, proposed), proposed };
}
