// The browser WebSocket (/api/live): each socket subscribes to topics; the first message of a
// subscription is a snapshot, then every tick (or soon after poke()) a JSON merge patch
// against what THAT socket last received for the topic (or a snapshot when the patch would lose
// a null the page cannot read back, see topic-schemas.ts). Views are computed once per tick and
// topic, whatever the number of sockets. Client messages are validated; bad ones get an
// error message, never a crash. Sockets whose send buffer grows past a bound are dropped.
// Each socket belongs to a login session (checked at the upgrade by server/http/server.ts):
// the session is checked again on every client message and every heartbeat, and a socket
// whose session ended is closed with code 4401. A session (and a user) has a bounded number of
// sockets: one more is closed at once with 4429 and a reason, never an older one (that tab is
// someone's open page).
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { LIVE_CLOSE, LiveClientMessage, type LiveServerMessage } from "@/protocol/dashboard/index.ts";
import { LIVE_VERSION, liveSubprotocol, liveVersionOf } from "@/protocol/live-close.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { diff } from "@/protocol/merge-patch.ts";
import { deltaLosesNull } from "@/protocol/dashboard/topic-schemas.ts";
import { parseTopic } from "@/protocol/dashboard/topics.ts";
import { LIMITS, type LimitCounters } from "../limits.ts";

/** Returns the topic's current view; throws ProtocolError (not_found) for an unknown one. */
export type TopicResolver = (topic: string) => unknown;

export interface LiveHubOptions {
  tickMs?: number;
  /** a socket with more than this queued is dropped (default 8 MiB) */
  maxBufferedBytes?: number;
  maxTopicsPerSocket?: number;
  heartbeatMs?: number;
  /** sockets of one login session (default LIMITS.liveSocketsPerSession) */
  maxSocketsPerSession?: number;
  /** sockets of one user over all their sessions (default LIMITS.liveSocketsPerUser) */
  maxSocketsPerUser?: number;
}

/** Whether the session a socket was opened with is still valid (and may read live topics). */
export type SessionCheck = (session: string) => boolean;

/** WebSocket close code for "your session ended: sign in again". */
export const CLOSE_SESSION_ENDED = LIVE_CLOSE.sessionEnded;
/** WebSocket close code for "this session (or user) has too many live sockets open". */
export const CLOSE_TOO_MANY_SOCKETS = LIVE_CLOSE.tooManySockets;

interface Subscription {
  seq: number;
  last: unknown;
}

interface Peer {
  ws: WebSocket;
  subs: Map<string, Subscription>;
  alive: boolean;
  session: string | null;
  user: string | null;
}

/** What a socket that last received `last` gets for `view`: nothing when equal, else a merge
 * patch, or a snapshot when the patch would lose a null the page cannot read back (a record's
 * null entry, see protocol/dashboard/topic-schemas.ts). */
export function changeFrame(topic: string, last: unknown, view: unknown, seq: number): LiveServerMessage | undefined {
  const patch = diff(last, view);
  if (patch === undefined) return undefined;
  const kind = parseTopic(topic)?.kind;
  if (kind !== undefined && deltaLosesNull(kind, patch, view)) return { type: "snapshot", topic, seq, data: view };
  return { type: "delta", topic, seq, patch };
}

export class LiveHub {
  // The page offers "lvs-live.v<n>": ours is chosen, else the first it offers, so that its
  // socket opens and is closed with 4409 and both versions (a browser cannot read a refused
  // upgrade's answer). A client offering no version (tools, tests) speaks the current one.
  readonly #wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (offered) => {
      const versions = [...offered].filter((p) => liveVersionOf(p) !== null);
      return versions.includes(liveSubprotocol(LIVE_VERSION)) ? liveSubprotocol(LIVE_VERSION) : (versions[0] ?? false);
    },
  });
  readonly #peers = new Set<Peer>();
  readonly #resolve: TopicResolver;
  readonly #opts: Required<LiveHubOptions>;
  readonly #tick: ReturnType<typeof setInterval>;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #pokeTimer: ReturnType<typeof setTimeout> | undefined;
  #sessionValid: SessionCheck | null = null;
  readonly #counters: LimitCounters | undefined;

  constructor(resolve: TopicResolver, opts: LiveHubOptions = {}, counters?: LimitCounters) {
    this.#counters = counters;
    // Each socket's `last` must be a snapshot: a resolver may hand out objects it mutates
    // later (the drain manager's jobs), and diffing a view against itself sends nothing.
    // One copy per topic and tick, shared by every subscriber.
    this.#resolve = (topic) => structuredClone(resolve(topic));
    this.#opts = {
      tickMs: opts.tickMs ?? 1000,
      maxBufferedBytes: opts.maxBufferedBytes ?? 8 * 1024 * 1024,
      maxTopicsPerSocket: opts.maxTopicsPerSocket ?? 64,
      heartbeatMs: opts.heartbeatMs ?? 30_000,
      maxSocketsPerSession: opts.maxSocketsPerSession ?? LIMITS.liveSocketsPerSession,
      maxSocketsPerUser: opts.maxSocketsPerUser ?? LIMITS.liveSocketsPerUser,
    };
    this.#tick = setInterval(() => this.flush(), this.#opts.tickMs);
    this.#heartbeat = setInterval(() => this.#ping(), this.#opts.heartbeatMs);
  }

  get socketCount(): number {
    return this.#peers.size;
  }

  /** From then on every socket needs a session that passes `check`. */
  requireSessions(check: SessionCheck): void {
    this.#sessionValid = check;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, session: string | null = null, user: string | null = null): void {
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, session, user));
  }

  /** Why one more socket of this session/user is refused, or null. */
  #overLimit(session: string | null, user: string | null): string | null {
    let bySession = 0;
    let byUser = 0;
    for (const p of this.#peers) {
      if (session !== null && p.session === session) bySession++;
      if (user !== null && p.user === user) byUser++;
    }
    const { maxSocketsPerSession: s, maxSocketsPerUser: u } = this.#opts;
    if (bySession >= s) {
      this.#counters?.refused("live_sockets_session");
      return `too many live sockets for this session (limit ${s}): close other tabs`;
    }
    if (byUser >= u) {
      this.#counters?.refused("live_sockets_user");
      return `too many live sockets for this user (limit ${u}): close other tabs or sign out elsewhere`;
    }
    return null;
  }

  /** Closes the sockets whose session is no longer valid (logout, user deleted, expiry). */
  revalidate(): void {
    for (const peer of this.#peers) this.#checkSession(peer);
  }

  #checkSession(peer: Peer): boolean {
    if (!this.#sessionValid) return true;
    if (peer.session !== null && this.#sessionValid(peer.session)) return true;
    this.#error(peer, null, new ProtocolError("unauthorized", "your session ended: sign in again"));
    peer.ws.close(CLOSE_SESSION_ENDED, "session ended");
    this.#peers.delete(peer);
    return false;
  }

  #accept(ws: WebSocket, session: string | null, user: string | null): void {
    const theirs = liveVersionOf(ws.protocol);
    if (theirs !== null && theirs !== LIVE_VERSION) {
      const message = `version_mismatch: this server speaks live v${LIVE_VERSION}, the page v${theirs}: reload the page`;
      ws.on("error", () => ws.terminate());
      ws.send(JSON.stringify({ type: "error", topic: null, error: new ProtocolError("version_mismatch", message, { expected: LIVE_VERSION, got: theirs }).toBody() } satisfies LiveServerMessage));
      ws.close(LIVE_CLOSE.versionMismatch, message);
      return;
    }
    const refusal = this.#overLimit(session, user);
    if (refusal) {
      // the new socket is the one refused: an older one is a page someone has open
      ws.on("error", () => ws.terminate());
      ws.send(JSON.stringify({ type: "error", topic: null, error: new ProtocolError("too_large", refusal).toBody() } satisfies LiveServerMessage));
      ws.close(CLOSE_TOO_MANY_SOCKETS, refusal.slice(0, 123));
      return;
    }
    const peer: Peer = { ws, subs: new Map(), alive: true, session, user };
    this.#peers.add(peer);
    ws.on("pong", () => {
      peer.alive = true;
    });
    ws.on("message", (data, isBinary) => this.#onMessage(peer, isBinary ? null : String(data)));
    ws.on("close", () => this.#peers.delete(peer));
    ws.on("error", () => ws.terminate());
  }

  #send(peer: Peer, msg: LiveServerMessage): void {
    if (peer.ws.readyState !== peer.ws.OPEN) return;
    if (peer.ws.bufferedAmount > this.#opts.maxBufferedBytes) {
      // a browser that does not read: drop it rather than buffer without bound
      peer.ws.terminate();
      this.#peers.delete(peer);
      return;
    }
    peer.ws.send(JSON.stringify(msg));
  }

  #error(peer: Peer, topic: string | null, err: ProtocolError): void {
    this.#send(peer, { type: "error", topic, error: err.toBody() });
  }

  #onMessage(peer: Peer, text: string | null): void {
    if (!this.#peers.has(peer) || !this.#checkSession(peer)) return;
    let raw: unknown;
    try {
      raw = text === null ? undefined : JSON.parse(text);
    } catch {
      this.#error(peer, null, new ProtocolError("bad_request", "the message is not JSON"));
      return;
    }
    const parsed = LiveClientMessage.safeParse(raw);
    if (!parsed.success) {
      const topic = typeof (raw as { topic?: unknown } | null)?.topic === "string" ? String((raw as { topic: string }).topic).slice(0, 300) : null;
      this.#error(peer, topic, new ProtocolError("bad_request", `invalid live message: ${parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`).join("; ")}`));
      return;
    }
    const { type, topic } = parsed.data;
    if (type === "unsubscribe") {
      peer.subs.delete(topic);
      return;
    }
    if (!peer.subs.has(topic) && peer.subs.size >= this.#opts.maxTopicsPerSocket) {
      this.#error(peer, topic, new ProtocolError("too_large", `at most ${this.#opts.maxTopicsPerSocket} topics per socket`));
      return;
    }
    let view: unknown;
    try {
      view = this.#resolve(topic);
    } catch (err) {
      this.#error(peer, topic, err instanceof ProtocolError ? err : new ProtocolError("internal", (err as Error).message));
      return;
    }
    // a repeated subscribe restarts the topic with a fresh snapshot
    peer.subs.set(topic, { seq: 0, last: view });
    this.#send(peer, { type: "snapshot", topic, seq: 0, data: view });
  }

  /** Sends a delta soon (after a mutation or a link change) instead of waiting for the tick. */
  poke(delayMs = 50): void {
    if (this.#pokeTimer) return;
    this.#pokeTimer = setTimeout(() => {
      this.#pokeTimer = undefined;
      this.flush();
    }, delayMs);
  }

  /** Sends every socket the changes of its topics since what it last received. */
  flush(): void {
    const views = new Map<string, { view: unknown } | { error: ProtocolError }>();
    for (const peer of this.#peers) {
      for (const [topic, sub] of peer.subs) {
        let v = views.get(topic);
        if (!v) {
          try {
            v = { view: this.#resolve(topic) };
          } catch (err) {
            v = { error: err instanceof ProtocolError ? err : new ProtocolError("internal", (err as Error).message) };
          }
          views.set(topic, v);
        }
        if ("error" in v) {
          // the director or service went away: tell the browser and end the subscription
          peer.subs.delete(topic);
          this.#error(peer, topic, v.error);
          continue;
        }
        const frame = changeFrame(topic, sub.last, v.view, sub.seq + 1);
        if (frame === undefined) continue;
        sub.seq++;
        sub.last = v.view;
        this.#send(peer, frame);
      }
    }
  }

  #ping(): void {
    this.revalidate();
    for (const peer of this.#peers) {
      if (!peer.alive) {
        peer.ws.terminate();
        this.#peers.delete(peer);
        continue;
      }
      peer.alive = false;
      peer.ws.ping();
    }
  }

  close(): void {
    clearInterval(this.#tick);
    clearInterval(this.#heartbeat);
    clearTimeout(this.#pokeTimer);
    for (const peer of this.#peers) peer.ws.close(1001, "server shutting down");
    this.#peers.clear();
    this.#wss.close();
  }
}
