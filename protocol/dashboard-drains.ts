// Dashboard drains: drain jobs (one director or a whole group) as the "drains" topic and the
// REST routes show them, and the request that starts one.
import { DirectorId } from "./dashboard-keys.ts";
import { z } from "zod";

export const DrainTargetStatus = z.enum(["draining", "drained", "undrained", "removed", "failed"]);
export const DrainStatus = z.enum(["draining", "drained", "undrained", "removed", "failed"]);
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
  /** seconds until active+inactive reach 0 at the recent rate; null while unknown */
  etaSeconds: z.number().nullable(),
  /** persistence templates keep clients on the server; see expire_quiescent_template */
  persistent: z.boolean(),
  /** group drains: members of the group left out, with why (no such service or real server
   * there); absent in jobs stored before this field */
  skipped: z.record(DirectorId, z.string()).optional(),
});
export type DrainJob = z.infer<typeof DrainJob>;

/** Topic "drains": every drain job that is running or finished in the last hour. */
export const DrainsView = z.object({ jobs: z.record(z.string(), DrainJob) });
/** GET /api/drains answers DrainsView; POST /api/drains and the undrain/remove routes a DrainJob. */
export type DrainsView = z.infer<typeof DrainsView>;

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
