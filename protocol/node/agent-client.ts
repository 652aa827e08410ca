// Client side of the agent protocol, used by the server and by lvsctl (Node only: it uses
// the `ws` package). Typed request()/subscribe() derived from the message catalog, results
// and events validated against it, pending requests rejected when the link drops, optional
// reconnect with exponential backoff and jitter (subscriptions are re-established).
// A pinned wss:// agent is probed first (a bare TLS handshake, no HTTP) and only a peer whose
// certificate has the pinned fingerprint ever receives the upgrade request and its token
// (protocol/node/agent-tls.ts); the requests in flight and the heartbeat: agent-client-pending.ts.
import WebSocket from "ws";
import {
  type AgentTlsOptions,
  type ProbedCertificate,
  fingerprintMismatch,
  normalizeFingerprint,
  pinnedTrust,
  probeAgentCertificate,
  tlsSocketOptions,
} from "./agent-tls.ts";
export { type ProbedCertificate, fingerprintMismatch, normalizeFingerprint, probeAgentCertificate };
import { ProtocolError } from "../errors.ts";
import {
  CATALOG,
  DEFAULT_DEADLINE_MS,
  PROTOCOL_VERSION,
  type RequestInput,
  type RequestType,
  type ResultData,
  ServerMessage,
  eventSchemaOf,
} from "../agent/catalog.ts";
import { issuesOf } from "../agent/parse.ts";
import { type Pending, PendingRequests, startHeartbeat } from "./agent-client-pending.ts";
import { expandServiceRows } from "../agent/compact.ts";
import type { ListedService } from "../agent/ipvs.ts";
import { type ReconnectOptions, backoffDelay } from "../backoff.ts";
export { type ReconnectOptions, backoffDelay };
import type { z } from "zod";

export interface AgentClientOptions {
  url: string;
  token: string;
  tls?: AgentTlsOptions;
  /** false (default) = no reconnect */
  reconnect?: ReconnectOptions | false;
  /** ws ping interval (default 15 s, 0 = off) */
  heartbeatMs?: number;
  /** no pong for this long drops the link (default heartbeatMs: no pong by the next ping);
   * longer than the interval tolerates an agent busy for a moment (a large table read) */
  heartbeatTimeoutMs?: number;
  /** extra wait past a request's deadline before the client gives up on its own */
  deadlineGraceMs?: number;
  onStateChange?: (state: ClientState, err?: ProtocolError) => void;
}

export type ClientState = "connecting" | "open" | "reconnecting" | "closed";

export interface RequestOptions {
  deadlineMs?: number;
  /** progress events (e.g. conns.progress) of this request */
  onEvent?: (data: unknown, topic: string) => void;
}

interface SubscriptionRecord {
  type: RequestType;
  payload: unknown;
  onEvent: (data: unknown) => void;
  /** id of the live subscription on the current link (changes after a reconnect) */
  id: string | null;
}

export interface SubscriptionHandle {
  readonly id: string | null;
  unsubscribe(): Promise<void>;
}

export class AgentClient {
  readonly #opts: AgentClientOptions;
  #ws: WebSocket | null = null;
  #state: ClientState = "closed";
  #attempt = 0;
  #userClosed = false;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  readonly #pending = new PendingRequests();
  readonly #subs = new Set<SubscriptionRecord>();

  constructor(opts: AgentClientOptions) {
    this.#opts = opts;
  }

  get state(): ClientState {
    return this.#state;
  }

  #setState(s: ClientState, err?: ProtocolError): void {
    this.#state = s;
    this.#opts.onStateChange?.(s, err);
  }

  /** Opens the link; rejects with `unauthorized` on a 401 and `unavailable` otherwise. */
  connect(): Promise<void> {
    this.#userClosed = false;
    this.#setState("connecting");
    return this.#open();
  }

  async #open(): Promise<void> {
    const tls = this.#opts.tls ?? {};
    const trust = await pinnedTrust(this.#opts.url, tls);
    if (trust instanceof ProtocolError) {
      this.#onClosed(null, false, trust);
      throw trust;
    }
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.#opts.url, {
        headers: { authorization: `Bearer ${this.#opts.token}` },
        handshakeTimeout: 10_000,
        maxPayload: 256 * 1024 * 1024,
        ...tlsSocketOptions(this.#opts.url, tls, trust),
      });
      let opened = false;
      let failure: ProtocolError | undefined;
      ws.on("unexpected-response", (req, res) => {
        failure =
          res.statusCode === 401
            ? new ProtocolError("unauthorized", "agent refused the token (HTTP 401)")
            : new ProtocolError("unavailable", `agent answered HTTP ${res.statusCode} to the upgrade`);
        req.destroy();
        this.#onClosed(ws, opened, failure);
        reject(failure);
      });
      ws.on("error", (err) => {
        failure ??= err instanceof ProtocolError ? err : new ProtocolError("unavailable", `agent link error: ${err.message}`);
        if (!opened) reject(failure);
      });
      ws.on("open", () => {
        if (this.#userClosed) {
          // close() was called while this attempt was under way
          ws.close(1000, "client closing");
          reject(new ProtocolError("unavailable", "client closed"));
          return;
        }
        opened = true;
        this.#ws = ws;
        this.#attempt = 0;
        this.#startHeartbeat(ws);
        this.#setState("open");
        this.#resubscribeAll();
        resolve();
      });
      ws.on("message", (data) => this.#onMessage(String(data)));
      ws.on("close", () => this.#onClosed(ws, opened, failure));
    });
  }

  #startHeartbeat(ws: WebSocket): void {
    const every = this.#opts.heartbeatMs ?? 15_000;
    this.#heartbeat = startHeartbeat(ws, every, this.#opts.heartbeatTimeoutMs ?? every);
  }

  #closedHandled = new WeakSet<WebSocket>();
  /** ws null: the attempt failed before a WebSocket existed (pin probe) */
  #onClosed(ws: WebSocket | null, wasOpen: boolean, failure?: ProtocolError): void {
    if (ws) {
      if (this.#closedHandled.has(ws)) return;
      this.#closedHandled.add(ws);
    }
    clearInterval(this.#heartbeat);
    if (ws && this.#ws === ws) this.#ws = null;
    const lost = new ProtocolError("unavailable", "connection to the agent was lost");
    this.#pending.rejectAll(lost);
    for (const s of this.#subs) s.id = null;
    const reconnect = this.#opts.reconnect;
    const permanent = failure?.code === "unauthorized";
    if (this.#userClosed || !reconnect || permanent || (!wasOpen && this.#state === "connecting")) {
      this.#setState("closed", failure ?? (wasOpen ? lost : undefined));
      return;
    }
    this.#setState("reconnecting", failure ?? lost);
    const delay = backoffDelay(this.#attempt++, reconnect);
    this.#reconnectTimer = setTimeout(() => {
      this.#open().catch(() => {
        // #onClosed already scheduled the next attempt or gave up
      });
    }, delay);
  }

  #onMessage(text: string): void {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return; // the agent never sends invalid JSON; ignore rather than crash the caller
    }
    const parsed = ServerMessage.safeParse(raw);
    if (!parsed.success) {
      this.#pending.rejectUnreadable(raw, issuesOf(parsed.error));
      return;
    }
    const msg = parsed.data;
    if (msg.type === "event") {
      const p = msg.id === null ? undefined : this.#pending.get(msg.id);
      if (p?.onEvent) {
        p.onEvent(msg.data, msg.topic);
        return;
      }
      for (const s of this.#subs) {
        if (s.id !== msg.id) continue;
        const schema = eventSchemaOf(s.type)?.data;
        const ev = schema ? schema.safeParse(msg.data) : { success: true as const, data: msg.data };
        if (ev.success) s.onEvent(ev.data);
      }
      return;
    }
    if (msg.id === null) return; // an error about a message the agent could not read
    const p = this.#pending.take(msg.id);
    if (!p) return;
    if (msg.type === "pong") p.resolve({ time: msg.time });
    else if (!msg.ok) p.reject(ProtocolError.fromBody(msg.error));
    else this.#settle(p, msg.data);
  }

  #settle(p: Pending, raw: unknown): void {
    const data = CATALOG[p.type].output.safeParse(raw);
    if (data.success) p.resolve(data.data);
    else p.reject(new ProtocolError("internal", `agent sent an invalid ${p.type} result`, issuesOf(data.error)));
  }

  request<T extends RequestType>(
    type: T,
    payload: RequestInput<T>,
    opts: RequestOptions = {},
  ): Promise<ResultData<T>> {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new ProtocolError("unavailable", "not connected to the agent"));
    }
    const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    const waitMs = deadlineMs + (this.#opts.deadlineGraceMs ?? 2_000);
    const { id, answer } = this.#pending.open(type, waitMs, `${type} got no answer within ${deadlineMs} ms`, opts.onEvent);
    try {
      ws.send(JSON.stringify({ v: PROTOCOL_VERSION, id, type, deadlineMs, payload }));
    } catch (err) {
      this.#pending.take(id);
      return Promise.reject(err);
    }
    return answer as Promise<ResultData<T>>;
  }

  /** Round-trip time of an application-level ping, in ms. */
  async ping(deadlineMs = 5_000): Promise<number> {
    const t0 = Date.now();
    await this.request("ping", {}, { deadlineMs });
    return Date.now() - t0;
  }

  /** Subscribe (stats.subscribe, ha.subscribe, health.subscribe); re-subscribed automatically after a reconnect. */
  async subscribe<T extends "stats.subscribe" | "ha.subscribe" | "health.subscribe">(
    type: T,
    payload: RequestInput<T>,
    onEvent: (data: z.output<NonNullable<(typeof CATALOG)[T]["event"]>["data"]>) => void,
  ): Promise<SubscriptionHandle> {
    const rec: SubscriptionRecord = { type, payload, onEvent: onEvent as (d: unknown) => void, id: null };
    this.#subs.add(rec);
    try {
      await this.#startSubscription(rec);
    } catch (err) {
      this.#subs.delete(rec);
      throw err;
    }
    return {
      get id() {
        return rec.id;
      },
      unsubscribe: async () => {
        this.#subs.delete(rec);
        const id = rec.id;
        rec.id = null;
        const unsubscribe = type === "ha.subscribe" ? "ha.unsubscribe" : type === "health.subscribe" ? "health.unsubscribe" : "stats.unsubscribe";
        if (id && this.#state === "open") await this.request(unsubscribe, { subscription: id });
      },
    };
  }

  async #startSubscription(rec: SubscriptionRecord): Promise<void> {
    // the id is known before the request goes out, so no early event is missed
    rec.id = this.#pending.peekId();
    await this.request(rec.type as "stats.subscribe", rec.payload as RequestInput<"stats.subscribe">);
  }

  #resubscribeAll(): void {
    for (const rec of this.#subs) {
      this.#startSubscription(rec).catch(() => {
        rec.id = null;
      });
    }
  }

  /**
   * The whole table as service.list answers it, fetched as service.list.compact (a sixth of
   * the bytes for large tables) and expanded; agents without it get a plain service.list.
   */
  async listServices(opts: RequestOptions = {}): Promise<ListedService[]> {
    try {
      return expandServiceRows((await this.request("service.list.compact", {}, opts)).services);
    } catch (err) {
      if (err instanceof ProtocolError && err.code === "unsupported") return this.request("service.list", {}, opts);
      throw err;
    }
  }

  close(): void {
    this.#userClosed = true;
    clearTimeout(this.#reconnectTimer);
    this.#ws?.close(1000, "client closing");
    if (!this.#ws) this.#setState("closed");
  }
}
