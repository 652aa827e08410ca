// What a refused group-wide change tells the operator: which member refused and why, where
// the change had already been applied and was rolled back, and any rollback that failed (that
// member now differs from the group). From the error's details (GroupChangeRefusal); a stale
// base version of the group's table (GroupVersionConflict) gets its own hint.
import type { GroupChangeRefusal } from "@/protocol/dashboard/index.ts";
import { isErrorBody } from "@/protocol/error-codes.ts";

// Checked without zod (what the page reads of the details; the server built them with the schemas).
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === "string");

function asGroupChangeRefusal(v: unknown): GroupChangeRefusal | null {
  if (!isObject(v) || typeof v["group"] !== "string" || typeof v["member"] !== "string" || !isErrorBody(v["error"])) return null;
  if (!isStrings(v["rolledBack"]) || !Array.isArray(v["rollbackErrors"])) return null;
  const ok = v["rollbackErrors"].every((e) => isObject(e) && typeof e["director"] === "string" && typeof e["message"] === "string");
  return ok ? (v as GroupChangeRefusal) : null;
}

export function groupRefusalLines(details: unknown): string[] | null {
  const d = asGroupChangeRefusal(details);
  if (!d) return null;
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
  return isObject(details) && typeof details["group"] === "string" && typeof details["baseVersion"] === "string" && typeof details["version"] === "string" && isObject(details["state"]);
}

export const GROUP_CONFLICT_HINT =
  "The group's table changed since you opened this (another operator, or a member adopted): check the current table, then redo the change.";
