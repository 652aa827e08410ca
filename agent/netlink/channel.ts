// One generic netlink socket of the transport's pool (see transport.ts): it sends one write
// (a request, or a batch of them with consecutive sequence numbers) and gathers the reply
// messages of each until its DONE or ERROR, or hands each message to a sink in place.
// Callback-based with one lazily re-armed watchdog timer, because under TCG every promise and
// timer per request shows up in listing times.
//
// Synchronous I/O: the kernel handles a generic netlink request inside our write, and a dump's
// next part inside our read of the previous one, so every reply is already queued when the
// syscall returns. When the socket's descriptor is known (socket-fd.ts) we write and read it
// with plain syscalls and the whole exchange finishes inside start(): no poll wakeup, no
// send-completion timer and no native callback per datagram, which together cost several
// times the kernel's own work per GET_DEST dump. A read that finds nothing queued (EAGAIN: not
// expected, but never assumed away) falls back to the addon's asynchronous delivery.
import { readSync, writeSync, writevSync } from "node:fs";
import netlink from "netlink";
import type { RawNetlinkSocket } from "netlink";
import { findNetlinkSocketFd } from "./socket-fd.ts";
import { TransportError } from "./transport-error.ts";

const NETLINK_GENERIC = 16;
const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const SOCKET_BUFFER = 4 << 20;
/**
 * One read's buffer. The kernel sizes a dump's datagrams after our largest read, capped near
 * 32 KiB, and other replies fit in a page, so 64 KiB never truncates; receive() still checks
 * every message's length against what was read.
 */
const READ_BUFFER = 64 << 10;
/** Shared by all channels: synchronous reads never interleave (one JavaScript thread). */
let scratch: Buffer | null = null;

export type Done = (err: Error | null, replies: Buffer[][]) => void;

/**
 * Receives reply messages in place instead of keeping them: message `index` of the write is
 * b[start, end), valid only during the call. The DONE or ERROR that ends a reply is passed too.
 * A throw fails the request (and the socket, whose remaining replies are then unknown).
 */
export type MessageSink = (index: number, b: Buffer, start: number, end: number) => void;

/** One socket, one write (one request or a batch of them) in flight. */
export class Channel {
  private readonly sock: RawNetlinkSocket;
  /** the socket's descriptor for synchronous I/O, or null (the addon's asynchronous path) */
  private readonly fd: number | null;
  private seq = (Math.random() * 0x3fffffff) >>> 0;
  /** sequence number of message 0 of the write in flight; message i has firstSeq + i */
  private firstSeq = 0;
  private count = 0;
  private replies: Buffer[][] = [];
  private sink: MessageSink | null = null;
  /** added to the message index passed to the sink (startAt's caller-side index) */
  private sinkBase = 0;
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

  constructor(
    private readonly onBroken: (c: Channel) => void,
    synchronousIo = true,
  ) {
    this.sock = new netlink.RawNetlinkSocket(NETLINK_GENERIC, {
      recvBufferSize: SOCKET_BUFFER,
      sendBufferSize: SOCKET_BUFFER,
    });
    this.sock.unref();
    this.sock.on("message", (datagram) => this.receive(datagram, datagram.length));
    this.sock.on("error", (err) => this.fail(new TransportError(`netlink socket: ${err.message}`)));
    this.fd = synchronousIo ? findNetlinkSocketFd(NETLINK_GENERIC, this.sock.address().port) : null;
  }

  /** True when replies are read synchronously (for tests and diagnostics). */
  get synchronous(): boolean {
    return this.fd !== null;
  }

  /** Keeps the process alive only while requests are in flight. */
  setActive(on: boolean): void {
    if (on === this.active || this.closed) return;
    this.active = on;
    if (on) this.sock.ref();
    else this.sock.unref();
  }

  /**
   * Sends the messages in one write; `done` gets one reply list per message (empty lists when
   * a sink took the messages). On the synchronous path `done` runs before start() returns:
   * callers must not recurse through it.
   */
  start(messages: Buffer[], timeoutMs: number, done: Done, sink: MessageSink | null = null): void {
    if (!this.begin(messages.length, timeoutMs, done, sink)) return;
    for (let i = 0; i < messages.length; i++) messages[i]!.writeUInt32LE(this.firstSeq + i, 8);
    if (this.fd === null) {
      this.sendAsync(messages.length === 1 ? messages[0]! : messages);
      return;
    }
    this.exchange(this.fd, () => (messages.length === 1 ? writeSync(this.fd!, messages[0]!) : writevSync(this.fd!, messages)));
  }

  /** One request taken from a larger buffer in place, bytes[at, at + length); the sink sees it as `index`. */
  startAt(bytes: Buffer, at: number, length: number, index: number, timeoutMs: number, done: Done, sink: MessageSink): void {
    if (!this.begin(1, timeoutMs, done, sink)) return;
    this.sinkBase = index;
    bytes.writeUInt32LE(this.firstSeq, at + 8);
    if (this.fd === null) this.sendAsync(bytes.subarray(at, at + length));
    else this.exchange(this.fd, () => writeSync(this.fd!, bytes, at, length));
  }

  private begin(n: number, timeoutMs: number, done: Done, sink: MessageSink | null): boolean {
    if (this.closed) {
      done(new TransportError("transport closed"), []);
      return false;
    }
    // consecutive numbers that never wrap inside one write and never use 0
    if (this.seq + n >= 0xffffffff) this.seq = 0;
    this.firstSeq = this.seq + 1;
    this.seq += n;
    this.count = n;
    this.sink = sink;
    this.sinkBase = 0;
    // a dump is a write of one message: keep that path free of extra allocations
    if (n === 1) {
      this.replies = sink ? [] : [[]];
      this.ended = [0];
    } else {
      this.replies = sink ? [] : Array.from({ length: n }, () => []);
      this.ended = new Array<number>(n).fill(0);
    }
    this.pending = n;
    this.done = done;
    this.timeoutMs = timeoutMs;
    return true;
  }

  private sendAsync(data: Buffer | Buffer[]): void {
    this.waitAsync();
    this.sock.send(data, {}, (err) => {
      if (err) this.fail(new TransportError(`send: ${err.message}`));
    });
  }

  /** Waits for the addon to deliver: the timeout counts from here (reading a clock per synchronous request costs). */
  private waitAsync(): void {
    this.startedAt = Date.now();
    if (!this.watchdog) this.arm(this.timeoutMs);
    this.setActive(true);
  }

  /** Writes, then reads until the write is answered or nothing more is queued. */
  private exchange(fd: number, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.fail(new TransportError(`send: ${(err as Error).message}`));
      return;
    }
    scratch ??= Buffer.allocUnsafe(READ_BUFFER);
    const buf = scratch;
    while (this.done) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, READ_BUFFER, null);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "EINTR") continue;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") this.waitAsync(); // the addon delivers the rest
        else this.fail(new TransportError(`recv: ${(err as Error).message}`));
        return;
      }
      if (this.sink) this.receive(buf, n);
      else {
        // a copy: the read buffer is reused, and kept replies outlive this call
        const datagram = Buffer.allocUnsafe(n);
        buf.copy(datagram, 0, 0, n);
        this.receive(datagram, n);
      }
    }
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

  /** The messages of one datagram, b[0, length). */
  private receive(b: Buffer, length: number): void {
    if (!this.done) return;
    const first = this.firstSeq;
    const n = this.count;
    let at = 0;
    while (length - at >= NLMSG_HDRLEN) {
      const len = b.readUInt32LE(at);
      if (len < NLMSG_HDRLEN || len > length - at) {
        this.fail(new TransportError(`malformed datagram: message of ${len} bytes at ${at}`));
        return;
      }
      // Late replies of a timed-out request, or stray ACKs, carry other sequence numbers.
      const i = b.readUInt32LE(at + 8) - first;
      if (i >= 0 && i < n && this.ended[i] === 0) {
        if (this.sink) {
          try {
            this.sink(this.sinkBase + i, b, at, at + len);
          } catch (err) {
            this.fail(err as Error);
            return;
          }
        } else this.replies[i]!.push(b.subarray(at, at + len));
        const type = b.readUInt16LE(at + 4);
        // A doit GET answers with a plain message and then the ACK; a dump ends with DONE.
        if (type === NLMSG_DONE || type === NLMSG_ERROR) {
          this.ended[i] = 1;
          if (--this.pending === 0) {
            const done = this.done;
            this.done = null;
            this.sink = null;
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
    this.sink = null;
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
