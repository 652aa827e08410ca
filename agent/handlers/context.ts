// What a handler gets besides its validated payload, and the handler/registry types. Kept
// transport-free so handlers can be unit-tested without a socket.
import type { Role } from "@/protocol/agent/catalog.ts";
import type { RequestPayload, RequestType, ResultData } from "@/protocol/agent/catalog.ts";

export interface Subscription {
  /** aborted on stats.unsubscribe or when the peer disconnects */
  readonly signal: AbortSignal;
  /** push one event under the subscribing request's id */
  emit(data: unknown): void;
}

export interface HandlerContext {
  readonly id: string;
  readonly role: Role;
  /** aborted when the deadline passes or the peer disconnects: stop work early */
  readonly signal: AbortSignal;
  /** absolute deadline, ms since the epoch */
  readonly deadline: number;
  /** push a progress event (the request type's topic) under this request's id */
  emit(data: unknown): void;
  /** turn this request into a subscription that outlives its result */
  subscribe(): Subscription;
  /** end a subscription of this connection; false if there was none by that id */
  unsubscribe(id: string): boolean;
}

export type Handler<T extends RequestType> = (
  payload: RequestPayload<T>,
  ctx: HandlerContext,
) => Promise<ResultData<T>>;

export type HandlerMap = { [T in RequestType]?: Handler<T> };
