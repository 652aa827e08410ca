// Dashboard drains: drain jobs (one director or a whole group) as the "drains" topic and the
// REST routes show them, and the request that starts one.
import { DirectorId } from "./keys.ts";
import { z } from "zod";

/** "interrupted": the kernel's weight was not 0 when the server (re)linked to the director
 * (put back outside the job); the target's error says what the kernel had */
export const DrainTargetStatus = z.enum(["draining", "drained", "undrained", "removed", "failed", "interrupted"]);
export const DrainStatus = z.enum(["draining", "drained", "undrained", "removed", "failed", "interrupted"]);
export type DrainStatus = z.infer<typeof DrainStatus>;

export const DrainTarget = z.object({
  previousWeight: z.number().int(),
  activeConns: z.number(),
  inactiveConns: z.number(),
  status: DrainTargetStatus,
  error: z.string().nullable(),
});
export const DrainJob = z.object({
  id: z.string(),
  /** group-wide drains name the group; null for one director */
  group: z.string().nullable(),
  service: z.string(),
  destination: z.string(),
  targets: z.record(DirectorId, DrainTarget),
  status: DrainStatus,
  startedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** seconds until active+inactive reach 0 (server/drain/eta.ts: the active connections' EWMA
   * close rate plus the kernel's inactive timeout, smoothed); null while unknown */
  etaSeconds: z.number().nullable(),
  /** persistence templates keep clients on the server; see expire_quiescent_template */
  persistent: z.boolean(),
  /** group drains: members of the group left out, with why (no such service or real server
   * there); absent in jobs stored before this field */
  skipped: z.record(DirectorId, z.string()).optional(),
});
export type DrainJob = z.infer<typeof DrainJob>;

/** Topic "drains": every drain job that is running or drained, and those that ended
 * (undrained, removed, interrupted) less than FINISHED_DRAIN_TTL_MS ago. */
export const DrainsView = z.object({ jobs: z.record(z.string(), DrainJob) });
/** GET /api/drains answers DrainsView; POST /api/drains and the undrain/remove routes a DrainJob. */
export type DrainsView = z.infer<typeof DrainsView>;

/** How long an ended drain job stays in the list (and on its row); SQLite keeps it. */
export const FINISHED_DRAIN_TTL_MS = 15 * 60_000;

export const DrainRequest = z.object({
  /** one director, or every director of `group` that has this service and real server */
  director: DirectorId.optional(),
  group: z.string().min(1).max(64).optional(),
  service: z.string().min(1).max(200),
  destination: z.string().min(1).max(200),
}).refine((r) => (r.director === undefined) !== (r.group === undefined), {
  message: "give exactly one of director or group",
});
export type DrainRequest = z.infer<typeof DrainRequest>;
