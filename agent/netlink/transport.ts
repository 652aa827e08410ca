// The one place that owns netlink sockets. It speaks whole messages: a request goes out as
// bytes, and the reply messages of its sequence number come back as bytes, up to and including
// the NLMSG_DONE or NLMSG_ERROR that ends it. Everything above is pure byte handling, so unit
// tests plug in a fake Transport that answers with recorded bytes.
//
// We use the raw socket of npm `netlink` (not its request()): its per-request JS work was the
// bottleneck of listings, and its errors lose the numeric errno.
import netlink from "netlink";
import type { RawNetlinkSocket } from "netlink";

export interface TransportRequestOptions {
  /** per request; falls back to the transport's default */
  timeoutMs?: number;
}

export interface Transport {
  /**
   * Sends one complete netlink message (its seq field is assigned here) and resolves with every
   * reply message of that sequence, the terminating DONE or ERROR included. Safe to call
   * concurrently: requests are serialized per socket (one dump per socket is a kernel rule).
   */
  request(message: Buffer, options?: TransportRequestOptions): Promise<Buffer[]>;
  close(): void;
}

export class TransportError extends Error {
  override name = "TransportError";
}

const NETLINK_GENERIC = 16;
const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_MULTI = 0x2;
const SOCKET_BUFFER = 4 << 20;

interface Pending {
  seq: number;
  replies: Buffer[];
  resolve: (r: Buffer[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** One socket, one request in flight. */
class Channel {
  private readonly sock: RawNetlinkSocket;
  private pending: Pending | null = null;
  private seq = (Math.random() * 0x7fffffff) >>> 0;
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

  /** set by the pool from acquisition until the request settles */
  busy = false;

  send(message: Buffer, timeoutMs: number): Promise<Buffer[]> {
    if (this.closed) return Promise.reject(new TransportError("transport closed"));
    return new Promise((resolve, reject) => {
      this.seq = (this.seq + 1) >>> 0 || 1;
      const out = Buffer.from(message);
      out.writeUInt32LE(this.seq, 8);
      const pending: Pending = { seq: this.seq, replies: [], resolve, reject, timer: undefined };
      pending.timer = setTimeout(
        () => this.fail(new TransportError(`no reply within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.pending = pending;
      this.sock.ref();
      this.sock.send(out, {}, (err) => {
        if (err) this.fail(new TransportError(`send: ${err.message}`));
      });
    });
  }

  private receive(datagram: Buffer): void {
    const p = this.pending;
    let at = 0;
    while (datagram.length - at >= NLMSG_HDRLEN) {
      const len = datagram.readUInt32LE(at);
      if (len < NLMSG_HDRLEN || len > datagram.length - at) {
        this.fail(new TransportError(`malformed datagram: message of ${len} bytes at ${at}`));
        return;
      }
      // Late replies of a timed-out request, or stray ACKs, carry other sequence numbers.
      if (p && datagram.readUInt32LE(at + 8) === p.seq) {
        const msg = datagram.subarray(at, at + len);
        p.replies.push(msg);
        const type = msg.readUInt16LE(4);
        // A doit GET answers with a plain message and then the ACK; a dump ends with DONE.
        if (type === NLMSG_DONE || type === NLMSG_ERROR) {
          this.finish(p);
          return;
        }
      }
      at += (len + 3) & ~3;
    }
  }

  private finish(p: Pending): void {
    if (this.pending !== p) return;
    clearTimeout(p.timer);
    this.pending = null;
    if (!this.closed) this.sock.unref();
    p.resolve(p.replies);
  }

  /** The socket's state is unknown after a failure: reject, close, let the pool replace it. */
  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    if (p) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.close();
    this.onBroken(this);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.sock.close();
    } catch {
      // already closed by the native side
    }
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
      this.wake();
    });
  }

  private idle(): Channel | undefined {
    return this.channels.find((c) => !c.busy && !c.closed);
  }

  /** Hands idle channels to waiters synchronously, so no one can take them in between. */
  private wake(): void {
    for (let ch = this.idle(); ch && this.waiting.length > 0; ch = this.idle()) {
      ch.busy = true;
      this.waiting.shift()!(ch);
    }
  }

  private acquire(): Promise<Channel> {
    const ch = this.waiting.length === 0 ? this.idle() : undefined;
    if (ch) {
      ch.busy = true;
      return Promise.resolve(ch);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async request(message: Buffer, options: TransportRequestOptions = {}): Promise<Buffer[]> {
    if (this.closed) throw new TransportError("transport closed");
    if (message.length < NLMSG_HDRLEN) throw new TransportError("short request");
    const ch = await this.acquire();
    try {
      if (this.closed) throw new TransportError("transport closed");
      return await ch.send(message, options.timeoutMs ?? this.timeoutMs);
    } finally {
      ch.busy = false;
      this.wake();
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels) c.close();
    // Waiters wake up on a closed channel and fail with "transport closed".
    for (const w of this.waiting.splice(0)) w(this.channels[0]!);
  }
}

/** True for a reply message that belongs to a multipart dump. */
export function isMultipart(msg: Buffer): boolean {
  return msg.length >= NLMSG_HDRLEN && (msg.readUInt16LE(6) & NLM_F_MULTI) !== 0;
}
