// Dashboard REST shapes of a director's tools, and the error body every REST route answers
// with: rules text diff/import, the conns NDJSON stream, and the DR real-server readiness
// check and its fix (see docs/server.md).
import { ConnQueryResult } from "../conntable.ts";
import { ErrorBody } from "../errors.ts";
import { IpAddress } from "../ipvs.ts";
import { DrReadinessReport } from "../realserver.ts";
import { DirectorId } from "./keys.ts";
import { z } from "zod";

/** REST error body: `{ error: { code, message, details? } }` with httpStatusOf(code). */
export const ApiError = z.object({ error: ErrorBody });

/** POST /api/directors/:id/rules/diff and .../rules/import: ipvsadm -S -n text. A merge
 * diff lists only creates and updates (what a merge import would do). */
export const RulesTextRequest = z.object({
  text: z.string().max(16 * 1024 * 1024),
  /** ipvsadm -S -n text, or a keepalived.conf (its checkers become the health checks; an
   * `include` cannot be followed from the browser and is reported by the agent) */
  format: z.enum(["ipvsadm", "keepalived"]).default("ipvsadm"),
  mode: z.enum(["replace", "merge"]).default("replace"),
  dryRun: z.boolean().default(false),
});
export type RulesTextRequest = z.infer<typeof RulesTextRequest>;

/** GET /api/directors/:id/conns streams NDJSON: progress lines, then one result or error. */
export const ConnsStreamLine = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), bytes: z.number().int(), entries: z.number().int(), done: z.boolean() }),
  z.object({ type: z.literal("result"), data: ConnQueryResult }),
  z.object({ type: z.literal("error"), error: ErrorBody }),
]);
export type ConnsStreamLine = z.infer<typeof ConnsStreamLine>;

/** One DR real server of a service and what its realserver agent reports for the VIP. */
export const ReadinessEntry = z.object({
  destination: z.string(),
  address: z.string(),
  /** id of the realserver agent registered with this address; null = "no agent" */
  agent: z.string().nullable(),
  status: z.enum(["ready", "not_ready", "no_agent", "error"]),
  report: DrReadinessReport.nullable(),
  error: z.string().nullable(),
});
export type ReadinessEntry = z.infer<typeof ReadinessEntry>;

/** GET /api/readiness?director=&service= */
export const ReadinessView = z.object({
  director: z.string(),
  service: z.string(),
  /** null for fwmark services (no single VIP to check) */
  vip: z.string().nullable(),
  realServers: z.array(ReadinessEntry),
});
export type ReadinessView = z.infer<typeof ReadinessView>;

/** POST /api/readiness/fix: bind the VIP on lo and set the ARP sysctls the report asks for. */
export const ReadinessFixRequest = z.object({ agent: DirectorId, vip: IpAddress });
export const ReadinessFixResult = z.object({
  /** ids of the checks a fix was applied for */
  applied: z.array(z.string()),
  /** the report after the fixes */
  report: DrReadinessReport,
});
export type ReadinessFixResult = z.infer<typeof ReadinessFixResult>;
