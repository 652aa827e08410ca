// One shared WebSocket to the server's /api/live for every view of the page. Views subscribe
// to topics with a reference count: the first subscriber of a topic sends "subscribe", the
// last one leaving sends "unsubscribe". The server answers a subscription with a snapshot and
// then JSON merge-patch deltas (protocol/merge-patch.ts apply()); after a lost connection the
// client reconnects with exponential backoff and subscribes again, which brings fresh
// snapshots. Each snapshot and patched view is read with its topic's schema (`views`, loaded
// lazily: zod stays out of the page's first JavaScript; frames wait for it, in order): a view
// that fails it shows version_mismatch and the last good data stays. Framework-free (the
// socket and the reader are injected) so the logic is unit-tested.
import { type ReconnectOptions, backoffDelay } from "@/protocol/backoff.ts";
import type { LiveClientMessage } from "@/protocol/dashboard/index.ts";
import { LIVE_CLOSE, LIVE_VERSION, liveVersionOf } from "@/protocol/live-close.ts";
import type { TopicViewReader } from "@/protocol/dashboard/topic-schemas.ts";
import { parseLiveServerMessage } from "./live-message.ts";
import type { ErrorBody } from "@/protocol/errors.ts";
import { apply } from "@/protocol/merge-patch.ts";
import { keepUnchanged, unloadedReader, viewMismatch } from "./live-views.ts";

/** The subset of the browser's WebSocket the client uses (a fake in tests). */
export interface LiveSocket {
  readonly readyState: number;
  /** the subprotocol the server chose ("lvs-live.v1"); empty or absent when none */
  readonly protocol?: string;
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  /** the browser passes its CloseEvent (code 4429: too many sockets, see LIVE_CLOSE) */
  onclose: ((ev?: { code?: number; reason?: string }) => void) | null;
  onerror: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** "refused": the server closed this socket for too many open ones (other tabs); see refusal */
export type ConnectionStatus = "connecting" | "open" | "reconnecting" | "refused";

/** After a 4429 the client waits this long before trying again (a tab may have closed by then). */
export const REFUSED_RETRY_MS = 30_000;

/** What a view sees of its topic. `data` stays (stale) while reconnecting. */
export interface TopicState {
  data: unknown;
  /** false until the first snapshot arrives */
  ready: boolean;
  seq: number;
  error: ErrorBody | null;
}

const EMPTY: TopicState = Object.freeze({ data: undefined, ready: false, seq: -1, error: null });
const OPEN = 1;

export interface LiveClientOptions {
  connect: () => LiveSocket;
  backoff?: ReconnectOptions;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  random?: () => number;
  /** Reads each view (protocol/dashboard/topic-schemas.ts readTopicView), or a promise of it
   * while its chunk loads: frames received meanwhile wait, in order. Absent: views are taken
   * as they come (tests of the protocol alone). */
  views?: TopicViewReader | Promise<TopicViewReader>;
}

interface TopicEntry {
  refs: number;
  state: TopicState;
  listeners: Set<() => void>;
  /** the view as the socket sent it (deltas patch this one, refused or not) */
  received: unknown;
  /** a snapshot arrived (deltas before it are premature) */
  snapshot: boolean;
  /** state.error is the reader's refusal of the current view (a readable one clears it) */
  refused: boolean;
}

/** A frame and the subprotocol of the socket it came on (its server's version). */
interface Frame {
  data: unknown;
  protocol: string | undefined;
}

export class LiveClient {
  private socket: LiveSocket | null = null;
  private readonly topics = new Map<string, TopicEntry>();
  private readonly statusListeners = new Set<() => void>();
  private attempt = 0;
  private timer: unknown = null;
  private closed = false;
  private currentStatus: ConnectionStatus = "connecting";
  private refusalReason: string | null = null;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;
  private reader: TopicViewReader | null = null;
  /** frames waiting for the reader's chunk; null once it is there (or when there is none) */
  private waiting: Frame[] | null = null;

  constructor(private readonly opts: LiveClientOptions) {
    this.setTimer = opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    const views = opts.views;
    if (views instanceof Promise) {
      this.waiting = [];
      views.then(
        (reader) => this.readerReady(reader),
        (err: unknown) => this.readerReady(unloadedReader(err)),
      );
    } else this.reader = views ?? null;
  }

  /** Whether frames are waiting for the view reader's chunk (for tests). */
  get loadingViews(): boolean {
    return this.waiting !== null;
  }

  private readerReady(reader: TopicViewReader): void {
    this.reader = reader;
    const frames = this.waiting ?? [];
    this.waiting = null;
    for (const f of frames) this.handle(f);
  }

  get status(): ConnectionStatus {
    return this.currentStatus;
  }

  /** The server's reason while the status is "refused" (null otherwise). */
  get refusal(): string | null {
    return this.currentStatus === "refused" ? this.refusalReason : null;
  }

  onStatus(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Adds a reference to `topic`; the returned function removes it (call it exactly once). */
  subscribe(topic: string, listener: () => void): () => void {
    let entry = this.topics.get(topic);
    if (!entry) {
      entry = { refs: 0, state: EMPTY, listeners: new Set(), received: undefined, snapshot: false, refused: false };
      this.topics.set(topic, entry);
    }
    entry.refs++;
    entry.listeners.add(listener);
    if (entry.refs === 1) this.sendIfOpen({ type: "subscribe", topic });
    this.ensureSocket();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.release(topic, listener);
    };
  }

  getState(topic: string): TopicState {
    return this.topics.get(topic)?.state ?? EMPTY;
  }

  /** How many views hold `topic` (0 when none): for tests and diagnostics. */
  refCount(topic: string): number {
    return this.topics.get(topic)?.refs ?? 0;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const s = this.socket;
    this.socket = null;
    s?.close();
  }

  private release(topic: string, listener: () => void): void {
    const entry = this.topics.get(topic);
    if (!entry) return;
    entry.refs--;
    entry.listeners.delete(listener);
    if (entry.refs <= 0) {
      this.topics.delete(topic);
      this.sendIfOpen({ type: "unsubscribe", topic });
    }
  }

  private ensureSocket(): void {
    if (this.socket || this.closed || this.timer !== null) return;
    const s = this.opts.connect();
    this.socket = s;
    s.onopen = () => {
      if (this.socket !== s) return;
      this.attempt = 0;
      this.setStatus("open");
      for (const topic of this.topics.keys()) this.send(s, { type: "subscribe", topic });
    };
    s.onmessage = (ev) => {
      if (this.socket !== s) return;
      const frame = { data: ev.data, protocol: s.protocol };
      if (this.waiting) this.waiting.push(frame);
      else this.handle(frame);
    };
    // onerror is always followed by onclose in browsers; reconnecting happens there.
    s.onerror = () => {};
    s.onclose = (ev) => {
      if (this.socket !== s) return;
      this.socket = null;
      if (this.closed) return;
      // too many sockets, or another version: retrying at the backoff's pace would only be
      // refused again (the version's reason says to reload the page)
      const refused = ev?.code === LIVE_CLOSE.tooManySockets || ev?.code === LIVE_CLOSE.versionMismatch;
      const fallback = ev?.code === LIVE_CLOSE.versionMismatch ? "version_mismatch: reload the page" : "too many live connections open";
      this.refusalReason = refused ? ev?.reason || fallback : null;
      this.setStatus(refused ? "refused" : "reconnecting");
      const backoff = backoffDelay(this.attempt++, this.opts.backoff, this.opts.random);
      const delay = refused ? Math.max(backoff, REFUSED_RETRY_MS) : backoff;
      this.timer = this.setTimer(() => {
        this.timer = null;
        if (this.topics.size > 0) this.ensureSocket();
      }, delay);
    };
  }

  private handle({ data: raw, protocol }: Frame): void {
    let json: unknown;
    try {
      json = JSON.parse(typeof raw === "string" ? raw : String(raw));
    } catch {
      json = undefined;
    }
    const msg = parseLiveServerMessage(json);
    const theirs = liveVersionOf(protocol) ?? LIVE_VERSION;
    if (!msg) {
      this.unreadable(json, theirs);
      return;
    }
    if (msg.type === "error") {
      const entry = msg.topic === null ? undefined : this.topics.get(msg.topic);
      if (entry) this.update(entry, { ...entry.state, error: msg.error });
      return;
    }
    const entry = this.topics.get(msg.topic);
    if (!entry) return; // an answer for a topic nobody holds any more
    if (msg.type === "snapshot") {
      entry.snapshot = true;
      this.received(msg.topic, entry, msg.data, msg.seq, null, theirs);
      return;
    }
    // A delta before its snapshot, or one already covered by a newer snapshot, is stale.
    if (!entry.snapshot || msg.seq <= entry.state.seq) return;
    this.received(msg.topic, entry, apply(entry.received, msg.patch), msg.seq, entry.state.error, theirs);
  }

  /** A new view of the topic (a snapshot, or the last one patched): shown when it reads, else
   * version_mismatch with the reader's issues over the last good data. */
  private received(topic: string, entry: TopicEntry, view: unknown, seq: number, error: ErrorBody | null, theirs: number): void {
    entry.received = view;
    const reading = this.reader ? this.reader(topic, view) : { ok: true as const, view };
    if (!reading.ok) {
      entry.refused = true;
      this.update(entry, { ...entry.state, seq, error: viewMismatch(topic, theirs, reading.issues) });
      return;
    }
    const data = this.reader ? keepUnchanged(entry.state.data, reading.view) : reading.view;
    const kept = entry.refused ? null : error;
    entry.refused = false;
    this.update(entry, { data, ready: true, seq, error: kept });
  }

  /** A frame this page cannot read is another version's (or broken): the topic it names, or
   * every held topic when it names none, shows version_mismatch with both versions, so a view
   * says why it stopped changing instead of waiting. */
  private unreadable(json: unknown, theirs: number): void {
    const named = typeof json === "object" && json !== null ? (json as { topic?: unknown }).topic : undefined;
    const error: ErrorBody = {
      code: "version_mismatch",
      message: `the server sent a live message this page (live v${LIVE_VERSION}) cannot read (server live v${theirs}): reload the page`,
      details: { expected: LIVE_VERSION, got: theirs },
    };
    const entries = typeof named === "string" ? [this.topics.get(named)] : [...this.topics.values()];
    for (const entry of entries) if (entry) this.update(entry, { ...entry.state, error });
  }

  private update(entry: TopicEntry, state: TopicState): void {
    entry.state = state;
    for (const l of [...entry.listeners]) l();
  }

  private setStatus(s: ConnectionStatus): void {
    if (this.currentStatus === s) return;
    this.currentStatus = s;
    for (const l of [...this.statusListeners]) l();
  }

  private sendIfOpen(m: LiveClientMessage): void {
    if (this.socket && this.socket.readyState === OPEN) this.send(this.socket, m);
  }

  private send(s: LiveSocket, m: LiveClientMessage): void {
    s.send(JSON.stringify(m));
  }
}
