// The agent client's requests in flight: their ids, the deadline timer of each, rejecting one
// whose reply cannot be read, and rejecting them all when the link drops. Apart from AgentClient so the socket and reconnect logic there
// does not also carry the bookkeeping of every request.
import type WebSocket from "ws";
import { ProtocolError } from "../errors.ts";
import { PROTOCOL_VERSION, type RequestType } from "../agent/catalog.ts";

export interface Pending {
  type: RequestType;
  resolve: (data: unknown) => void;
  reject: (err: ProtocolError) => void;
  timer: ReturnType<typeof setTimeout>;
  onEvent?: (data: unknown, topic: string) => void;
}

export class PendingRequests {
  #next = 1;
  readonly #map = new Map<string, Pending>();

  /** The id the next request gets (a subscription knows its id before the request goes out). */
  peekId(): string {
    return `c${this.#next}`;
  }

  /** A new request: its id and its answer, rejected with `timeout` after `waitMs`. */
  open(type: RequestType, waitMs: number, timeoutMessage: string, onEvent?: Pending["onEvent"]): { id: string; answer: Promise<unknown> } {
    const id = `c${this.#next++}`;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#map.delete(id);
        reject(new ProtocolError("timeout", timeoutMessage));
      }, waitMs);
      this.#map.set(id, { type, resolve, reject, timer, ...(onEvent ? { onEvent } : {}) });
    });
    return { id, answer };
  }

  get(id: string): Pending | undefined {
    return this.#map.get(id);
  }

  /** Removes the request `id` (its timer cleared) and returns it, to be settled by the caller. */
  take(id: string): Pending | undefined {
    const p = this.#map.get(id);
    if (!p) return undefined;
    this.#map.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  /**
   * A reply the client cannot read (another protocol version, or malformed) settles the request
   * it names at once as version_mismatch with both versions, instead of leaving it to its timeout.
   */
  rejectUnreadable(raw: unknown, issues: unknown): void {
    const frame = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
    const p = typeof frame["id"] === "string" ? this.take(frame["id"]) : undefined;
    if (!p) return;
    const theirs = frame["v"] ?? null;
    const message =
      theirs === PROTOCOL_VERSION
        ? `agent sent a ${p.type} reply this client cannot read (protocol v${PROTOCOL_VERSION})`
        : `agent speaks protocol version ${JSON.stringify(theirs)}, this client speaks ${PROTOCOL_VERSION}`;
    p.reject(new ProtocolError("version_mismatch", message, { expected: PROTOCOL_VERSION, got: theirs, issues }));
  }

  rejectAll(err: ProtocolError): void {
    for (const id of [...this.#map.keys()]) this.take(id)?.reject(err);
  }
}

/**
 * Pings every `everyMs` and terminates the socket when a ping stays unanswered for
 * `timeoutMs`; returns the interval (undefined when `everyMs` <= 0: no heartbeat).
 */
export function startHeartbeat(ws: WebSocket, everyMs: number, timeoutMs: number): ReturnType<typeof setInterval> | undefined {
  if (everyMs <= 0) return undefined;
  // when the oldest unanswered ping went out; null while every ping has its pong
  let waitingSince: number | null = null;
  ws.on("pong", () => {
    waitingSince = null;
  });
  return setInterval(() => {
    const now = Date.now();
    if (waitingSince !== null && now - waitingSince >= timeoutMs) {
      ws.terminate();
      return;
    }
    waitingSince ??= now;
    ws.ping();
  }, everyMs);
}
