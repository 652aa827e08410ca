// A message-level fake of the kernel side for unit tests: a Transport whose answers are byte
// sequences (netlink messages) built here or recorded from a real kernel. No IPVS logic.
import type { Transport } from "@/agent/netlink/transport.ts";

export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_MULTI = 2;

export interface SeenRequest {
  type: number;
  flags: number;
  cmd: number;
  /** attribute bytes after the genl header */
  attrs: Buffer;
  raw: Buffer;
}

export function header(len: number, type: number, flags: number, seq: number): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(len, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  return h;
}

/** A generic netlink message (header + genl header + attrs). */
export function genlMessage(family: number, cmd: number, attrs: Buffer, flags = 0, seq = 0): Buffer {
  const genl = Buffer.from([cmd, 1, 0, 0]);
  return Buffer.concat([header(20 + attrs.length, family, flags, seq), genl, attrs]);
}

/** NLMSG_ERROR: errno 0 is an ACK; a message text adds the extended-ack TLV. */
export function errorMessage(request: Buffer, errno: number, text?: string, seq = 0): Buffer {
  const err = Buffer.alloc(4);
  err.writeInt32LE(-errno, 0);
  const origHeader = request.subarray(0, 16);
  if (text === undefined) {
    const body = Buffer.concat([err, request]);
    return Buffer.concat([header(16 + body.length, NLMSG_ERROR, 0, seq), body]);
  }
  const s = Buffer.from(`${text}\0`);
  const tlvLen = 4 + s.length;
  const tlv = Buffer.alloc((tlvLen + 3) & ~3);
  tlv.writeUInt16LE(tlvLen, 0);
  tlv.writeUInt16LE(1, 2);
  s.copy(tlv, 4);
  // CAPPED (0x100) | ACK_TLVS (0x200): only the original header is echoed.
  const body = Buffer.concat([err, origHeader, tlv]);
  return Buffer.concat([header(16 + body.length, NLMSG_ERROR, 0x300, seq), body]);
}

export function doneMessage(seq = 0, errno = 0): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(-errno, 0);
  return Buffer.concat([header(20, NLMSG_DONE, NLM_F_MULTI, seq), b]);
}

export function parseRequest(raw: Buffer): SeenRequest {
  return {
    type: raw.readUInt16LE(4),
    flags: raw.readUInt16LE(6),
    cmd: raw.readUInt8(16),
    attrs: raw.subarray(20),
    raw,
  };
}

/** Answers each request through `answer`; records every request it saw. */
export class FakeTransport implements Transport {
  readonly seen: SeenRequest[] = [];
  closed = false;
  constructor(private readonly answer: (req: SeenRequest) => Buffer[]) {}

  async request(message: Buffer): Promise<Buffer[]> {
    const req = parseRequest(Buffer.from(message));
    this.seen.push(req);
    return this.answer(req);
  }
  async requestAll(messages: Buffer[]): Promise<Buffer[][]> {
    return Promise.all(messages.map((m) => this.request(m)));
  }
  close(): void {
    this.closed = true;
  }
}

/** The nlctrl answer resolving family `name` to `id`. */
export function familyReply(id: number, name = "IPVS", version = 1): Buffer {
  const s = Buffer.from(`${name}\0`);
  const nameAttr = Buffer.alloc(4 + ((s.length + 3) & ~3));
  nameAttr.writeUInt16LE(4 + s.length, 0);
  nameAttr.writeUInt16LE(2, 2);
  s.copy(nameAttr, 4);
  const idAttr = Buffer.from([6, 0, 1, 0, id & 0xff, id >> 8, 0, 0]);
  const ver = Buffer.from([8, 0, 3, 0, version, 0, 0, 0]);
  return genlMessage(0x10, 1, Buffer.concat([idAttr, nameAttr, ver]));
}
