// What a refused group-wide change tells the operator: which member refused and why, where
// the change had already been applied and was rolled back, and any rollback that failed (that
// member now differs from the group). From the error's details (GroupChangeRefusal); a stale
// base version of the group's table (GroupVersionConflict) gets its own hint.
import { GroupChangeRefusal, GroupVersionConflict } from "../../protocol/dashboard.ts";

export function groupRefusalLines(details: unknown): string[] | null {
  const r = GroupChangeRefusal.safeParse(details);
  if (!r.success) return null;
  const d = r.data;
  const lines = [`${d.member} refused: ${d.error.code}: ${d.error.message}`];
  lines.push(
    d.rolledBack.length > 0
      ? `Rolled back on ${d.rolledBack.join(", ")}; the group's table is unchanged.`
      : `No other member had been changed; the group's table is unchanged.`,
  );
  for (const e of d.rollbackErrors) lines.push(`Rollback failed on ${e.director}: ${e.message} (it now differs from the group: see its drift)`);
  return lines;
}

export function isGroupVersionConflict(details: unknown): boolean {
  return GroupVersionConflict.safeParse(details).success;
}

export const GROUP_CONFLICT_HINT =
  "The group's table changed since you opened this (another operator, or a member adopted): check the current table, then redo the change.";
