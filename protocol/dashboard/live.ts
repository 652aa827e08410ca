// The dashboard's live WebSocket (/api/live): topics and the messages of both directions.
// Snapshots and merge-patch deltas carry the views of protocol/dashboard/views.ts, protocol/dashboard/drains.ts
// and protocol/dashboard/history.ts.
import { ErrorBody } from "../errors.ts";
import { z } from "zod";

/** "fleet" | "drains" | "groups" (HA groups, protocol/dashboard/ha.ts) | "director:<id>" | "service:<id>:<serviceKey>"
 * | "health:<id>" | "health:<id>:<serviceKey>" (health checks, protocol/dashboard/health.ts) */
export const Topic = z.string().regex(/^(fleet|drains|groups|director:[a-z0-9-]+|service:[a-z0-9-]+:.+|health:[a-z0-9-]+(:.+)?)$/).max(300);

export { LIVE_CLOSE } from "../live-close.ts";

export const LiveClientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("subscribe"), topic: Topic }),
  z.object({ type: z.literal("unsubscribe"), topic: Topic }),
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessage>;

export const LiveServerMessage = z.discriminatedUnion("type", [
  /** the whole view; the first message of a subscription */
  z.object({ type: z.literal("snapshot"), topic: z.string(), seq: z.number().int(), data: z.unknown() }),
  /** a JSON merge patch (RFC 7386) against the previous state of the topic */
  z.object({ type: z.literal("delta"), topic: z.string(), seq: z.number().int(), patch: z.unknown() }),
  z.object({ type: z.literal("error"), topic: z.string().nullable(), error: ErrorBody }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessage>;
