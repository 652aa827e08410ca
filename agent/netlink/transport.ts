// The one place that owns netlink sockets. It speaks whole messages: a request goes out as
// bytes, and the reply messages of its sequence number come back as bytes, up to and including
// the NLMSG_DONE or NLMSG_ERROR that ends it. Everything above is pure byte handling, so unit
// tests plug in a fake Transport that answers with recorded bytes.
//
// We use the raw socket of npm `netlink` (not its request()): its per-request JS work was the
// bottleneck of listings, and its errors lose the numeric errno. The core is callback-based
// with one lazily re-armed watchdog timer per socket, because under TCG every promise and
// timer per request shows up in the time to list 5,000 services.
import netlink from "netlink";
import type { RawNetlinkSocket } from "netlink";
import { repliesFailed } from "./genl.ts";

export interface TransportRequestOptions {
  /** per request; falls back to the transport's default */
  timeoutMs?: number;
}

export interface RequestAllOptions extends TransportRequestOptions {
  /**
   * Called with each request's replies as soon as they are complete; the result array then
   * holds [] for it, so the bytes can die young (5,000 dumps' buffers kept to the end were
   * promoted to the old generation and cost GC time). A thrown error fails the whole call.
   * Transports may ignore it and return the replies instead (check what came back).
   */
  onReplies?: (index: number, replies: Buffer[]) => void;
}

export interface Transport {
  /**
   * Sends one complete netlink message (its seq field is assigned here) and resolves with every
   * reply message of that sequence, the terminating DONE or ERROR included. Safe to call
   * concurrently: requests are serialized per socket (one dump per socket is a kernel rule).
   */
  request(message: Buffer, options?: TransportRequestOptions): Promise<Buffer[]>;
  /**
   * The same for many messages, pipelined over the available sockets; result i answers
   * message i. Messages are owned by the transport afterwards (their seq is overwritten).
   */
  requestAll(messages: Buffer[], options?: RequestAllOptions): Promise<Buffer[][]>;
  /**
   * Optional: many do-requests (no dumps) in order on ONE socket, several per sendmsg, so the
   * kernel runs them back to back without a round trip each. Result i answers message i; null
   * means not sent (stopOnError after an earlier failure). The kernel does not stop inside
   * one write: messages of the same write after a failing one still run and are answered.
   */
  requestBatch?(messages: Buffer[], options?: BatchRequestOptions): Promise<Array<Buffer[] | null>>;
  close(): void;
}

export interface BatchRequestOptions extends TransportRequestOptions {
  /** send no further write once a reply carried an error (default false) */
  stopOnError?: boolean;
}


export class TransportError extends Error {
  override name = "TransportError";
}

const NETLINK_GENERIC = 16;
const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const SOCKET_BUFFER = 4 << 20;
/**
 * Messages per write in requestBatch. Every ACK queues a small skb (under 1 KiB of truesize)
 * on our receive buffer while the kernel runs the whole write; the buffer is capped by
 * net.core.rmem_max (208 KiB by default, doubled), and an overflow drops ACKs. 64 stays far
 * below that and already makes the per-write cost negligible.
 */
export const BATCH_WRITE_MESSAGES = 64;

type Done = (err: Error | null, replies: Buffer[][]) => void;

/** One socket, one write (one request or a batch of them) in flight. */
class Channel {
  private readonly sock: RawNetlinkSocket;
  private seq = (Math.random() * 0x3fffffff) >>> 0;
  /** sequence number of message 0 of the write in flight; message i has firstSeq + i */
  private firstSeq = 0;
  private replies: Buffer[][] = [];
  /** per message of the write: 1 once its DONE or ERROR arrived (a plain array: cheaper than a typed one per dump) */
  private ended: number[] = [];
  private pending = 0;
  private done: Done | null = null;
  private startedAt = 0;
  private timeoutMs = 0;
  private watchdog: NodeJS.Timeout | null = null;
  private active = false;
  /** set by the pool from acquisition until released */
  busy = false;
  closed = false;

  constructor(private readonly onBroken: (c: Channel) => void) {
    this.sock = new netlink.RawNetlinkSocket(NETLINK_GENERIC, {
      recvBufferSize: SOCKET_BUFFER,
      sendBufferSize: SOCKET_BUFFER,
    });
    this.sock.unref();
    this.sock.on("message", (datagram) => this.receive(datagram));
    this.sock.on("error", (err) => this.fail(new TransportError(`netlink socket: ${err.message}`)));
  }

  /** Keeps the process alive only while requests are in flight. */
  setActive(on: boolean): void {
    if (on === this.active || this.closed) return;
    this.active = on;
    if (on) this.sock.ref();
    else this.sock.unref();
  }

  /** Sends the messages in one write; `done` gets one reply list per message. */
  start(messages: Buffer[], timeoutMs: number, done: Done): void {
    if (this.closed) {
      done(new TransportError("transport closed"), []);
      return;
    }
    const n = messages.length;
    // consecutive numbers that never wrap inside one write and never use 0
    if (this.seq + n >= 0xffffffff) this.seq = 0;
    this.firstSeq = this.seq + 1;
    this.seq += n;
    for (let i = 0; i < n; i++) messages[i]!.writeUInt32LE(this.firstSeq + i, 8);
    // a dump is a write of one message: keep that path free of extra allocations
    if (n === 1) {
      this.replies = [[]];
      this.ended = [0];
    } else {
      this.replies = Array.from({ length: n }, () => []);
      this.ended = new Array<number>(n).fill(0);
    }
    this.pending = n;
    this.done = done;
    this.startedAt = Date.now();
    this.timeoutMs = timeoutMs;
    if (!this.watchdog) this.arm(timeoutMs);
    this.setActive(true);
    this.sock.send(n === 1 ? messages[0]! : messages, {}, (err) => {
      if (err) this.fail(new TransportError(`send: ${err.message}`));
    });
  }

  /** The watchdog fires at most once per timeout period and re-arms only while busy. */
  private arm(ms: number): void {
    this.watchdog = setTimeout(() => {
      this.watchdog = null;
      if (!this.done) return;
      const left = this.startedAt + this.timeoutMs - Date.now();
      if (left <= 0) this.fail(new TransportError(`no reply within ${this.timeoutMs} ms`));
      else this.arm(left);
    }, ms);
    this.watchdog.unref();
  }

  private receive(datagram: Buffer): void {
    if (!this.done) return;
    const first = this.firstSeq;
    const n = this.replies.length;
    let at = 0;
    while (datagram.length - at >= NLMSG_HDRLEN) {
      const len = datagram.readUInt32LE(at);
      if (len < NLMSG_HDRLEN || len > datagram.length - at) {
        this.fail(new TransportError(`malformed datagram: message of ${len} bytes at ${at}`));
        return;
      }
      // Late replies of a timed-out request, or stray ACKs, carry other sequence numbers.
      const i = datagram.readUInt32LE(at + 8) - first;
      if (i >= 0 && i < n && this.ended[i] === 0) {
        this.replies[i]!.push(datagram.subarray(at, at + len));
        const type = datagram.readUInt16LE(at + 4);
        // A doit GET answers with a plain message and then the ACK; a dump ends with DONE.
        if (type === NLMSG_DONE || type === NLMSG_ERROR) {
          this.ended[i] = 1;
          if (--this.pending === 0) {
            const done = this.done;
            this.done = null;
            done(null, this.replies);
            return;
          }
        }
      }
      at += (len + 3) & ~3;
    }
  }

  /** The socket's state is unknown after a failure: report, close, let the pool replace it. */
  private fail(err: Error): void {
    const done = this.done;
    this.done = null;
    this.close();
    this.onBroken(this);
    done?.(err, []);
  }

  /** Closing with a request in flight fails it, so no caller waits forever. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    try {
      this.sock.close();
    } catch {
      // already closed by the native side
    }
    const done = this.done;
    this.done = null;
    done?.(new TransportError("transport closed"), []);
  }
}

export interface NetlinkTransportOptions {
  /** how many sockets may carry requests at once (dumps in flight); default 1 */
  sockets?: number;
  /** default per-request timeout; default 10 s */
  timeoutMs?: number;
}

/** A small pool of generic netlink sockets with a FIFO of waiting requests. */
export class NetlinkTransport implements Transport {
  private readonly channels: Channel[] = [];
  private readonly waiting: Array<(ch: Channel) => void> = [];
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: NetlinkTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const n = Math.max(1, options.sockets ?? 1);
    for (let i = 0; i < n; i++) this.channels.push(this.newChannel());
  }

  private newChannel(): Channel {
    return new Channel((broken) => {
      const i = this.channels.indexOf(broken);
      if (i >= 0 && !this.closed) this.channels[i] = this.newChannel();
    });
  }

  private idle(): Channel | undefined {
    return this.channels.find((c) => !c.busy && !c.closed);
  }

  private release(ch: Channel): void {
    ch.busy = false;
    ch.setActive(false);
    // Hand idle channels to waiters synchronously, so no one can take them in between.
    for (let next = this.idle(); next && this.waiting.length > 0; next = this.idle()) {
      next.busy = true;
      this.waiting.shift()!(next);
    }
  }

  private acquire(): Promise<Channel> {
    if (this.closed) return Promise.reject(new TransportError("transport closed"));
    const ch = this.waiting.length === 0 ? this.idle() : undefined;
    if (ch) {
      ch.busy = true;
      return Promise.resolve(ch);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async request(message: Buffer, options: TransportRequestOptions = {}): Promise<Buffer[]> {
    const [replies] = await this.requestAll([Buffer.from(message)], options);
    return replies!;
  }

  async requestAll(messages: Buffer[], options: RequestAllOptions = {}): Promise<Buffer[][]> {
    for (const m of messages) if (m.length < NLMSG_HDRLEN) throw new TransportError("short request");
    if (messages.length === 0) return [];
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    // One channel is awaited; any others idle right now join in.
    const first = await this.acquire();
    const mine = [first];
    for (let ch = this.idle(); ch && mine.length < messages.length; ch = this.idle()) {
      ch.busy = true;
      mine.push(ch);
    }
    const results = new Array<Buffer[]>(messages.length);
    return new Promise((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const pump = (ch: Channel): void => {
        if (failed || this.closed || next >= messages.length) {
          this.release(ch);
          if (!failed && this.closed && finished < messages.length) {
            failed = true;
            reject(new TransportError("transport closed"));
          }
          return;
        }
        const i = next++;
        ch.start([messages[i]!], timeoutMs, (err, replies) => {
          if (err) {
            failed = true;
            this.release(ch);
            reject(err);
            return;
          }
          if (options.onReplies) {
            results[i] = [];
            try {
              options.onReplies(i, replies[0]!);
            } catch (e) {
              failed = true;
              this.release(ch);
              reject(e);
              return;
            }
          } else results[i] = replies[0]!;
          if (++finished === messages.length) resolve(results);
          pump(ch);
        });
      };
      for (const ch of mine) pump(ch);
    });
  }

  async requestBatch(messages: Buffer[], options: BatchRequestOptions = {}): Promise<Array<Buffer[] | null>> {
    for (const m of messages) if (m.length < NLMSG_HDRLEN) throw new TransportError("short request");
    const results: Array<Buffer[] | null> = new Array(messages.length).fill(null);
    if (messages.length === 0) return results;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const ch = await this.acquire();
    try {
      for (let at = 0; at < messages.length; at += BATCH_WRITE_MESSAGES) {
        const chunk = messages.slice(at, at + BATCH_WRITE_MESSAGES);
        const replies = await new Promise<Buffer[][]>((resolve, reject) =>
          ch.start(chunk, timeoutMs, (err, r) => (err ? reject(err) : resolve(r))),
        );
        let failed = false;
        replies.forEach((r, i) => {
          results[at + i] = r;
          if (repliesFailed(r)) failed = true;
        });
        if (failed && options.stopOnError) break;
      }
    } finally {
      this.release(ch);
    }
    return results;
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels) c.close();
    // Waiters wake up on a closed channel and fail with "transport closed".
    for (const w of this.waiting.splice(0)) w(this.channels[0]!);
  }
}
