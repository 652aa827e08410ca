// Dashboard audit log: an entry, how to read its outcome (pending, ok, failed, interrupted)
// and error, the result written into entries an earlier server run left running, and the
// export formats.
import { ErrorBody } from "../errors.ts";
import { z } from "zod";

export const AuditEntry = z.object({
  id: z.number().int(),
  time: z.number(),
  user: z.string(),
  action: z.string(),
  director: z.string().nullable(),
  target: z.string().nullable(),
  request: z.unknown(),
  ok: z.boolean().nullable(),
  result: z.unknown(),
  /** rule-changing mutations: the affected state (service view, sysctl values, ipvsadm -S
   * text) before the action and after it; null when not applicable */
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** The result the server writes, when it starts, into an entry that an earlier run left
 * running (killed between writing the entry and completing it). Shaped like a failure's
 * `{error}` so every reader shows the reason; the change itself may still have been applied. */
export const AUDIT_INTERRUPTED_RESULT = {
  interrupted: true,
  error: { code: "unavailable", message: "interrupted: the server stopped before the change finished (check the director's table)" },
} as const satisfies { interrupted: true; error: ErrorBody };

export type AuditOutcome = "pending" | "ok" | "failed" | "interrupted";

export function auditOutcome(e: Pick<AuditEntry, "ok" | "result">): AuditOutcome {
  if (e.ok === null || e.ok === undefined) return "pending";
  if (e.ok) return "ok";
  const r = e.result as { interrupted?: unknown } | null | undefined;
  return r?.interrupted === true ? "interrupted" : "failed";
}

/** The error message of a failed (or interrupted) entry's `{error}` result, if it has one. */
export function auditErrorMessage(e: Pick<AuditEntry, "result">): string | null {
  const parsed = z.object({ error: ErrorBody }).safeParse(e.result);
  return parsed.success ? parsed.data.error.message : null;
}

/** GET /api/audit/export?format= */
export const AuditExportFormat = z.enum(["csv", "json"]);
