// The one place that owns netlink sockets (with its per-socket Channel, channel.ts). It speaks
// whole messages: a request goes out as bytes, and the reply messages of its sequence number
// come back as bytes, up to and including the NLMSG_DONE or NLMSG_ERROR that ends it. Everything above is pure byte handling, so unit
// tests plug in a fake Transport that answers with recorded bytes.
//
// We use the raw socket of npm `netlink` (not its request()): its per-request JS work was the
// bottleneck of listings, and its errors lose the numeric errno. The channels read and write
// the sockets synchronously where they can (channel.ts says why that is sound and what it
// saves). The core is callback-based with one lazily re-armed watchdog timer per socket,
// because under TCG every promise and timer per request shows up in the time to list 5,000
// services.
import { Channel, type Done, type MessageSink } from "./channel.ts";
import { NLMSG_HDRLEN, repliesFailed } from "./nlmsg.ts";
import { TransportError } from "./transport-error.ts";

export { TransportError };
export type { MessageSink };

/**
 * Many requests in one buffer: request i starts at bytes[starts[i]] (its nlmsg_len says how
 * long it is); starts has one more entry, the end of the last one's padding.
 */
export interface RequestBlock {
  bytes: Buffer;
  starts: number[];
}

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
   * Optional: the requests of a block (their seq fields are overwritten), pipelined like
   * requestAll, but every reply message goes to `sink` in place and none is kept (see
   * MessageSink: valid only during the call). The listing hot path: no copy and no object per
   * message. Callers fall back to requestAll when a transport lacks it.
   */
  streamAll?(block: RequestBlock, sink: MessageSink, options?: TransportRequestOptions): Promise<void>;
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

/** Longest stretch requestAll runs synchronous requests without letting the event loop in. */
const YIELD_AFTER_MS = 20;

export interface NetlinkTransportOptions {
  /** how many sockets may carry requests at once (dumps in flight); default 1 */
  sockets?: number;
  /** default per-request timeout; default 10 s */
  timeoutMs?: number;
  /**
   * read and write the sockets with synchronous syscalls when their descriptors can be found
   * (channel.ts explains why); false keeps the addon's asynchronous I/O. Default true.
   */
  synchronousIo?: boolean;
}

/** A small pool of generic netlink sockets with a FIFO of waiting requests. */
export class NetlinkTransport implements Transport {
  private readonly channels: Channel[] = [];
  private readonly waiting: Array<(ch: Channel) => void> = [];
  private readonly timeoutMs: number;
  private readonly synchronousIo: boolean;
  private closed = false;

  constructor(options: NetlinkTransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.synchronousIo = options.synchronousIo ?? true;
    const n = Math.max(1, options.sockets ?? 1);
    for (let i = 0; i < n; i++) this.channels.push(this.newChannel());
  }

  private newChannel(): Channel {
    return new Channel((broken) => {
      const i = this.channels.indexOf(broken);
      if (i >= 0 && !this.closed) this.channels[i] = this.newChannel();
    }, this.synchronousIo);
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
    const results = new Array<Buffer[]>(messages.length);
    const onReplies = options.onReplies;
    await this.pipeline(
      messages.length,
      options.timeoutMs ?? this.timeoutMs,
      (ch, i, timeoutMs, done) => ch.start([messages[i]!], timeoutMs, done),
      (i, replies) => {
        if (onReplies) {
          results[i] = [];
          onReplies(i, replies[0]!);
        } else results[i] = replies[0]!;
      },
    );
    return results;
  }

  async streamAll(block: RequestBlock, sink: MessageSink, options: TransportRequestOptions = {}): Promise<void> {
    const { bytes, starts } = block;
    const count = starts.length - 1;
    const lengths = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const at = starts[i]!;
      const len = at + 4 <= bytes.length ? bytes.readUInt32LE(at) : 0;
      if (len < NLMSG_HDRLEN || at + len > bytes.length) throw new TransportError(`request ${i} of the block is malformed`);
      lengths[i] = len;
    }
    await this.pipeline(
      count,
      options.timeoutMs ?? this.timeoutMs,
      (ch, i, timeoutMs, done) => ch.startAt(bytes, starts[i]!, lengths[i]!, i, timeoutMs, done, sink),
      () => {},
    );
  }

  /**
   * Runs `count` requests over the pool: one channel is awaited, any others idle right now
   * join in, and each keeps taking the next request until none is left. `answered` runs for
   * each completed request (a throw fails the call). A loop, not recursion: on the
   * synchronous path each request is answered inside start(). Every YIELD_AFTER_MS the loop
   * steps aside (setImmediate) so the agent's other work, its heartbeats first, runs during a
   * long listing.
   */
  private async pipeline(
    count: number,
    timeoutMs: number,
    start: (ch: Channel, i: number, timeoutMs: number, done: Done) => void,
    answered: (i: number, replies: Buffer[][]) => void,
  ): Promise<void> {
    if (count === 0) return;
    const first = await this.acquire();
    const mine = [first];
    for (let ch = this.idle(); ch && mine.length < count; ch = this.idle()) {
      ch.busy = true;
      mine.push(ch);
    }
    return new Promise((resolve, reject) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      /** handles one request's answer; false when the whole call is over */
      const settle = (ch: Channel, i: number, err: Error | null, replies: Buffer[][]): boolean => {
        if (failed) return false;
        try {
          if (err) throw err;
          answered(i, replies);
        } catch (e) {
          failed = true;
          this.release(ch);
          reject(e);
          return false;
        }
        if (++finished === count) resolve();
        return true;
      };
      const pump = (ch: Channel): void => {
        const sliceEnd = performance.now() + YIELD_AFTER_MS;
        for (;;) {
          if (failed || this.closed || next >= count) {
            this.release(ch);
            if (!failed && this.closed && finished < count) {
              failed = true;
              reject(new TransportError("transport closed"));
            }
            return;
          }
          const i = next++;
          let answeredNow = false;
          let inStart = true;
          start(ch, i, timeoutMs, (err, replies) => {
            answeredNow = true;
            if (settle(ch, i, err, replies) && !inStart) pump(ch);
          });
          inStart = false;
          if (!answeredNow || failed) return; // the asynchronous answer continues the pump
          // a clock read per request would cost as much as the kernel's work under emulation
          if ((i & 31) === 31 && performance.now() >= sliceEnd) {
            setImmediate(() => pump(ch));
            return;
          }
        }
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

  /** True when every socket is read synchronously. */
  get synchronous(): boolean {
    return this.channels.every((c) => c.synchronous);
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels) c.close();
    // Waiters wake up on a closed channel and fail with "transport closed".
    for (const w of this.waiting.splice(0)) w(this.channels[0]!);
  }
}
