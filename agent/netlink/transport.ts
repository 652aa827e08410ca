// The one place that owns netlink sockets (with its per-socket Channel, channel.ts). It speaks
// whole messages: a request goes out as bytes, and the reply messages of its sequence number
// come back as bytes, up to and including the NLMSG_DONE or NLMSG_ERROR that ends it. Everything above is pure byte handling, so unit
// tests plug in a fake Transport that answers with recorded bytes.
//
// We use the raw socket of npm `netlink` (not its request()): its per-request JS work was the
// bottleneck of listings, and its errors lose the numeric errno. The core is callback-based
// with one lazily re-armed watchdog timer per socket, because under TCG every promise and
// timer per request shows up in the time to list 5,000 services.
import { Channel } from "./channel.ts";
import { NLMSG_HDRLEN, repliesFailed } from "./genl.ts";
import { TransportError } from "./transport-error.ts";

export { TransportError };

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



/**
 * Messages per write in requestBatch. Every ACK queues a small skb (under 1 KiB of truesize)
 * on our receive buffer while the kernel runs the whole write; the buffer is capped by
 * net.core.rmem_max (208 KiB by default, doubled), and an overflow drops ACKs. 64 stays far
 * below that and already makes the per-write cost negligible.
 */
export const BATCH_WRITE_MESSAGES = 64;

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
