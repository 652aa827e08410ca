// The dashboard's live WebSocket (/api/live): topics and the messages of both directions.
// Snapshots and merge-patch deltas carry the views of protocol/dashboard/views.ts, protocol/dashboard/drains.ts
// and protocol/dashboard/history.ts.
import { ErrorBody } from "../errors.ts";
import { TOPIC_PATTERN } from "./topics.ts";
import { z } from "zod";

/** A topic's name (the catalog, with each topic's view: protocol/dashboard/topics.ts) */
export const Topic = z.string().regex(TOPIC_PATTERN).max(300);

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
