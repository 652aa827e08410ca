// One authenticated peer: reads messages, answers each with exactly one result (or pong),
// and owns the peer's subscriptions so they all stop when it goes away.
import type { WebSocket } from "ws";
import { ProtocolError } from "@/protocol/errors.ts";
import { PROTOCOL_VERSION, eventSchemaOf, type Request, type Role } from "@/protocol/agent/catalog.ts";
import type { ServerMessage } from "@/protocol/agent/catalog.ts";
import { parseRequestText } from "@/protocol/agent/parse.ts";
import type { Subscription } from "../handlers/context.ts";
import { dispatch } from "../handlers/dispatch.ts";
import type { HandlerRegistry } from "../handlers/registry.ts";

export interface ConnectionOptions {
  role: Role;
  registry: HandlerRegistry;
  /** messages above this many bytes are answered with too_large and not parsed */
  maxMessageBytes: number;
  /** requests running at once on this connection; more are answered `unavailable` */
  maxInFlight: number;
  /** events are dropped (the seq shows the gap) while this much output is unsent */
  maxBufferedBytes: number;
}

export class AgentConnection {
  readonly #ws: WebSocket;
  readonly #opts: ConnectionOptions;
  readonly #closed = new AbortController();
  readonly #subscriptions = new Map<string, { ctl: AbortController; seq: number }>();
  #inFlight = 0;
  /** seq counters for progress events of non-subscription requests */
  readonly #progressSeq = new Map<string, number>();

  constructor(ws: WebSocket, opts: ConnectionOptions) {
    this.#ws = ws;
    this.#opts = opts;
    ws.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    ws.on("close", () => this.#shutdown());
    ws.on("error", () => this.#shutdown());
  }

  get subscriptionCount(): number {
    return this.#subscriptions.size;
  }

  #shutdown(): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    for (const { ctl } of this.#subscriptions.values()) ctl.abort();
    this.#subscriptions.clear();
  }

  #send(msg: ServerMessage): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    let text: string;
    try {
      text = JSON.stringify(msg);
    } catch (err) {
      // a handler returned something JSON cannot carry (BigInt, cycle): report, don't die
      if (msg.type !== "result") return;
      const e = new ProtocolError("internal", `result not serializable: ${String(err)}`);
      text = JSON.stringify({ v: PROTOCOL_VERSION, id: msg.id, type: "result", ok: false, error: e.toBody() });
    }
    this.#ws.send(text);
  }

  #sendError(id: string | null, err: ProtocolError): void {
    this.#send({ v: PROTOCOL_VERSION, id, type: "result", ok: false, error: err.toBody() });
  }

  #onMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (buf.length > this.#opts.maxMessageBytes) {
      this.#sendError(
        requestIdPeek(buf),
        new ProtocolError("too_large", `message of ${buf.length} bytes exceeds ${this.#opts.maxMessageBytes}`),
      );
      return;
    }
    if (isBinary) {
      this.#sendError(null, new ProtocolError("bad_request", "binary frames are not accepted"));
      return;
    }
    const parsed = parseRequestText(buf.toString("utf8"));
    if (!parsed.ok) {
      this.#sendError(parsed.id, parsed.error);
      return;
    }
    const req = parsed.request;
    if (req.type === "ping") {
      this.#send({ v: PROTOCOL_VERSION, id: req.id, type: "pong", time: Date.now() });
      return;
    }
    if (this.#inFlight >= this.#opts.maxInFlight) {
      this.#sendError(req.id, new ProtocolError("unavailable", `more than ${this.#opts.maxInFlight} requests in flight`));
      return;
    }
    void this.#run(req);
  }

  async #run(req: Request): Promise<void> {
    this.#inFlight++;
    try {
      const outcome = await dispatch(req, {
        role: this.#opts.role,
        registry: this.#opts.registry,
        connectionSignal: this.#closed.signal,
        emit: (id, type, data) => this.#emitProgress(id, type, data),
        subscribe: (id, type) => this.#subscribe(id, type),
        unsubscribe: (id) => this.#unsubscribe(id),
      });
      if (!outcome.ok) {
        // a failed subscribe must not leave a subscription behind
        this.#unsubscribe(req.id);
        this.#send({ v: PROTOCOL_VERSION, id: req.id, type: "result", ok: false, error: outcome.error });
      } else {
        this.#send({ v: PROTOCOL_VERSION, id: req.id, type: "result", ok: true, data: outcome.data });
      }
    } finally {
      this.#inFlight--;
      this.#progressSeq.delete(req.id);
    }
  }

  #topicOf(type: Request["type"]): string {
    return eventSchemaOf(type)?.topic ?? type;
  }

  #emitProgress(id: string, type: Request["type"], data: unknown): void {
    const seq = (this.#progressSeq.get(id) ?? 0) + 1;
    this.#progressSeq.set(id, seq);
    this.#pushEvent(id, this.#topicOf(type), seq, data);
  }

  #pushEvent(id: string, topic: string, seq: number, data: unknown): void {
    if (this.#ws.bufferedAmount > this.#opts.maxBufferedBytes) return; // slow reader: drop
    this.#send({ v: PROTOCOL_VERSION, id, type: "event", topic, seq, data });
  }

  #subscribe(id: string, type: Request["type"]): Subscription {
    if (this.#subscriptions.has(id)) {
      throw new ProtocolError("conflict", `subscription ${id} already exists on this connection`);
    }
    const ctl = new AbortController();
    if (this.#closed.signal.aborted) ctl.abort();
    const entry = { ctl, seq: 0 };
    this.#subscriptions.set(id, entry);
    const topic = this.#topicOf(type);
    return {
      signal: ctl.signal,
      emit: (data) => {
        if (ctl.signal.aborted) return;
        entry.seq++;
        this.#pushEvent(id, topic, entry.seq, data);
      },
    };
  }

  #unsubscribe(id: string): boolean {
    const sub = this.#subscriptions.get(id);
    if (!sub) return false;
    sub.ctl.abort();
    this.#subscriptions.delete(id);
    return true;
  }
}

/**
 * The id of an oversized request, when it shows in the first bytes as `"id":"..."` (clients
 * put the envelope first): without it the client could not match the too_large answer and
 * would wait for its deadline. The message itself is never parsed.
 */
export function requestIdPeek(buf: Buffer): string | null {
  const head = buf.toString("utf8", 0, Math.min(buf.length, 512));
  const m = /^\{\s*(?:"(?:v|type|deadlineMs)"\s*:\s*(?:\d+|"[a-z.]{1,40}")\s*,\s*)*"id"\s*:\s*"([A-Za-z0-9._:-]{1,128})"/.exec(head);
  return m ? m[1]! : null;
}
