// Streaming generic netlink, for listings: many requests written back to back into one
// buffer (RequestBlockWriter), their replies handed to a sink in place (Transport.streamAll)
// and read there with the helpers below. Nothing is allocated per request or per reply
// message, which is what makes a 5,000-dump listing cheap in JavaScript.
import { AttrError } from "./attrs.ts";
import {
  type FamilyInfo,
  GENL_HDRLEN,
  NLM_F_ACK,
  NLM_F_REQUEST,
  NLMSG_DONE,
  NLMSG_ERROR,
  NLMSG_HDRLEN,
  NetlinkError,
  parseErrorMessage,
} from "./genl.ts";
import type { MessageSink, RequestBlock, Transport } from "./transport.ts";

/** Builds a RequestBlock of requests with one command; attributes are written in place. */
export class RequestBlockWriter {
  private bytes: Buffer;
  private at = 0;
  private readonly starts: number[] = [0];

  constructor(
    private readonly family: FamilyInfo,
    private readonly cmd: number,
    private readonly flags: number,
    expected = 64,
  ) {
    this.bytes = Buffer.alloc(Math.max(256, expected * 96));
  }

  /**
   * Appends one request. `write` puts its attributes at b[at..] (at most `maxAttrBytes`
   * bytes) and returns where they end.
   */
  add(maxAttrBytes: number, write: (b: Buffer, at: number) => number): void {
    const need = this.at + NLMSG_HDRLEN + GENL_HDRLEN + maxAttrBytes;
    if (need > this.bytes.length) {
      const grown = Buffer.alloc(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.at);
      this.bytes = grown;
    }
    const b = this.bytes;
    const start = this.at;
    const end = write(b, start + NLMSG_HDRLEN + GENL_HDRLEN);
    if (end < start + NLMSG_HDRLEN + GENL_HDRLEN || end > need) throw new RangeError("request attributes out of bounds");
    b.writeUInt32LE(end - start, start);
    b.writeUInt16LE(this.family.id, start + 4);
    b.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | this.flags, start + 6);
    b.writeUInt32LE(0, start + 8); // seq: the transport's
    b.writeUInt32LE(0, start + 12);
    b[start + NLMSG_HDRLEN] = this.cmd;
    b[start + NLMSG_HDRLEN + 1] = this.family.version || 1;
    b.writeUInt16LE(0, start + NLMSG_HDRLEN + 2);
    this.at = (end + 3) & ~3;
    this.starts.push(this.at);
  }

  get count(): number {
    return this.starts.length - 1;
  }

  finish(): RequestBlock {
    return { bytes: this.bytes, starts: this.starts };
  }
}

/**
 * True when b[start, end) ends a reply (DONE or ERROR). Throws NetlinkError when it carries an
 * error (a dump that failed part-way puts its errno in the DONE payload).
 */
export function endsReply(op: string, b: Buffer, start: number, end: number): boolean {
  const type = b.readUInt16LE(start + 4);
  if (type === NLMSG_DONE) {
    if (end - start >= NLMSG_HDRLEN + 4) {
      const errno = -b.readInt32LE(start + NLMSG_HDRLEN);
      if (errno > 0) throw new NetlinkError(op, errno);
    }
    return true;
  }
  if (type === NLMSG_ERROR) {
    const { errno, kernelMessage } = parseErrorMessage(b.subarray(start, end));
    if (errno !== 0) throw new NetlinkError(op, errno, kernelMessage);
    return true;
  }
  return false;
}

/**
 * Where the first top-level attribute of type `type` of the genl message b[start, end) begins
 * (its header: the payload is at + 4 up to at + its length), or -1.
 */
export function findTopAttr(b: Buffer, start: number, end: number, type: number): number {
  let at = start + NLMSG_HDRLEN + GENL_HDRLEN;
  while (end - at >= 4) {
    const len = b.readUInt16LE(at);
    if (len < 4 || len > end - at) throw new AttrError(`attribute at ${at - start} has length ${len}`);
    if ((b.readUInt16LE(at + 2) & 0x3fff) === type) return at;
    at += (len + 3) & ~3;
  }
  return -1;
}

/**
 * Transport.streamAll, or for a transport without it (test fakes) requestAll with every reply
 * message then passed through the same sink: one contract either way.
 */
export async function streamRequests(transport: Transport, block: RequestBlock, sink: MessageSink, timeoutMs?: number): Promise<void> {
  if (transport.streamAll) {
    await transport.streamAll(block, sink, { timeoutMs });
    return;
  }
  const { bytes, starts } = block;
  const messages = [];
  for (let i = 0; i + 1 < starts.length; i++) {
    const at = starts[i]!;
    messages.push(Buffer.from(bytes.subarray(at, at + bytes.readUInt32LE(at))));
  }
  const fed = new Uint8Array(messages.length);
  const feed = (i: number, replies: Buffer[]) => {
    fed[i] = 1;
    for (const m of replies) sink(i, m, 0, m.length);
  };
  const kept = await transport.requestAll(messages, { timeoutMs, onReplies: feed });
  // a transport may ignore onReplies and return the replies instead
  kept.forEach((replies, i) => {
    if (fed[i] === 0) feed(i, replies);
  });
}
