// A whole-table step run on every member of a group (the MASTER first), all or nothing as far as
// it can be undone: each step returns how to undo itself (read before it ran), and a member's
// refusal runs the undo steps of the members already changed, newest first. The error names the
// refusing member, its reason, what was rolled back and what could not be (GroupChangeRefusal).
import type { GroupChangeRefusal } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DirectorLink } from "../agents/link.ts";
import { liveText } from "./identical.ts";

export type Undo = (() => Promise<unknown>) | null;

export async function runOnMembers(name: string, ordered: readonly DirectorLink[], step: (l: DirectorLink) => Promise<Undo>): Promise<string[]> {
  const done: { link: DirectorLink; undo: Undo }[] = [];
  for (const l of ordered) {
    try {
      done.push({ link: l, undo: await step(l) });
    } catch (err) {
      throw await rollBack(name, l, err, done);
    }
  }
  return ordered.map((l) => l.id);
}

const IMPORT_MS = 300_000;

/**
 * Puts the member's table back as `text` (its rules.export before the step): a replace import
 * applies only the difference, so what the step did not touch keeps its counters.
 */
export async function restoreText(l: DirectorLink, text: string): Promise<void> {
  const r = await l.request("rules.import", { source: { format: "ipvsadm", text }, mode: "replace", dryRun: false, existing: "update" }, { deadlineMs: IMPORT_MS });
  await l.relist();
  if (!r.applied) throw new ProtocolError("internal", `restoring the table failed: ${r.errors.map((e) => e.message).join("; ")}`);
}

/** The undo of a whole-table change: the member's table as it is now, put back. */
export async function undoByText(l: DirectorLink): Promise<Undo> {
  const before = await liveText(l);
  return () => restoreText(l, before);
}

async function rollBack(name: string, refused: DirectorLink, err: unknown, done: { link: DirectorLink; undo: Undo }[]): Promise<ProtocolError> {
  const e = err instanceof ProtocolError ? err : new ProtocolError("internal", String((err as Error)?.message ?? err));
  const rollbackErrors: GroupChangeRefusal["rollbackErrors"] = [];
  const rolledBack: string[] = [];
  const kept: string[] = [];
  for (const { link, undo } of [...done].reverse()) {
    if (!undo) {
      kept.push(link.id);
      continue;
    }
    try {
      await undo();
      rolledBack.push(link.id);
    } catch (x) {
      rollbackErrors.push({ director: link.id, message: x instanceof Error ? x.message : String(x) });
    }
  }
  const details: GroupChangeRefusal = { group: name, member: refused.id, error: e.toBody(), rolledBack, rollbackErrors };
  const parts = [
    rolledBack.length > 0 ? `rolled back on ${rolledBack.join(", ")}` : done.length === 0 ? "no member had been changed" : "",
    kept.length > 0 ? `cannot be undone on ${kept.join(", ")}` : "",
    rollbackErrors.length > 0 ? `the rollback failed on ${rollbackErrors.map((r) => `${r.director} (${r.message})`).join(", ")}` : "",
  ].filter(Boolean);
  return new ProtocolError(e.code, `group ${name}: director ${refused.id} refused the change: ${e.message}; ${parts.join("; ")}`, details);
}
