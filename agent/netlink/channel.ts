// One generic netlink socket of the transport's pool (see transport.ts): it sends one write
// (a request, or a batch of them with consecutive sequence numbers) and gathers the reply
// messages of each until its DONE or ERROR. Callback-based with one lazily re-armed watchdog
// timer, because under TCG every promise and timer per request shows up in listing times.
import netlink from "netlink";
import type { RawNetlinkSocket } from "netlink";
import { TransportError } from "./transport-error.ts";

const NETLINK_GENERIC = 16;
const NLMSG_HDRLEN = 16;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const SOCKET_BUFFER = 4 << 20;

export type Done = (err: Error | null, replies: Buffer[][]) => void;

/** One socket, one write (one request or a batch of them) in flight. */
export class Channel {
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

