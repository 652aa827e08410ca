// Netlink attributes (struct nlattr): a pure encoder and a bounds-checked decoder.
// Multi-byte integers are host order, which is little-endian on every CPU we target
// (x86-64, arm64); the *be helpers exist because IPVS puts ports in network order.
// The decoder keeps offsets into the original buffer instead of slicing, because a listing of
// 20,000 real servers decodes ~700k attributes and Buffer objects are the dominant cost.

export const NLA_HDRLEN = 4;
/** Nested and network-byte-order flag bits live above the 14-bit type. */
export const NLA_TYPE_MASK = 0x3fff;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;

export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Malformed attribute bytes or a value of the wrong size. */
export class AttrError extends Error {
  override name = "AttrError";
}

const U32 = 0x1_0000_0000;

/** Builds a run of attributes; nested containers are written through a callback. */
export class AttrWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.alloc(initialSize);
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  /** Writes the header and reserves the padded payload; returns the payload offset. */
  private put(type: number, payloadLen: number): number {
    if (!Number.isInteger(type) || type < 0 || type > 0xffff) {
      throw new AttrError(`attribute type ${type} out of range`);
    }
    const total = NLA_HDRLEN + payloadLen;
    if (total > 0xffff) throw new AttrError(`attribute ${type} too long (${payloadLen} bytes)`);
    const padded = align4(total);
    this.reserve(padded);
    const at = this.len;
    this.buf.writeUInt16LE(total, at);
    this.buf.writeUInt16LE(type, at + 2);
    this.buf.fill(0, at + total, at + padded);
    this.len += padded;
    return at + NLA_HDRLEN;
  }

  u8(type: number, v: number): this {
    const at = this.put(type, 1);
    this.buf.writeUInt8(v, at);
    return this;
  }
  u16(type: number, v: number): this {
    const at = this.put(type, 2);
    this.buf.writeUInt16LE(v, at);
    return this;
  }
  u32(type: number, v: number): this {
    const at = this.put(type, 4);
    this.buf.writeUInt32LE(v, at);
    return this;
  }
  u64(type: number, v: bigint | number): this {
    const at = this.put(type, 8);
    this.buf.writeBigUInt64LE(BigInt(v), at);
    return this;
  }
  u16be(type: number, v: number): this {
    const at = this.put(type, 2);
    this.buf.writeUInt16BE(v, at);
    return this;
  }
  u32be(type: number, v: number): this {
    const at = this.put(type, 4);
    this.buf.writeUInt32BE(v, at);
    return this;
  }
  /** NUL-terminated, as the kernel's NLA_NUL_STRING / NLA_STRING policies expect. */
  string(type: number, s: string): this {
    const bytes = Buffer.from(s, "utf8");
    if (bytes.includes(0)) throw new AttrError(`string attribute ${type} contains NUL`);
    const at = this.put(type, bytes.length + 1);
    bytes.copy(this.buf, at);
    this.buf[at + bytes.length] = 0;
    return this;
  }
  binary(type: number, b: Uint8Array): this {
    // put() may grow (replace) this.buf, so it must run before this.buf is read.
    const at = this.put(type, b.length);
    this.buf.set(b, at);
    return this;
  }
  /** A container; children are padded, so its length is always a multiple of 4. */
  nested(type: number, fill: (w: AttrWriter) => void): this {
    const at = this.put(type, 0);
    fill(this);
    this.buf.writeUInt16LE(this.len - at + NLA_HDRLEN, at - NLA_HDRLEN);
    return this;
  }

  get length(): number {
    return this.len;
  }

  /** A copy of the bytes written so far. */
  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}

export interface Attr {
  /** type with the nested / byte-order flags masked off */
  type: number;
  /** raw type field, flags included */
  rawType: number;
  payload: Buffer;
}

/**
 * Walks attributes in [start, end) calling visit(type, payloadStart, payloadLen, rawType).
 * Up to 3 trailing bytes are accepted as padding a sender left off the last attribute.
 */
export function walkAttrs(
  buf: Buffer,
  start: number,
  end: number,
  visit: (type: number, at: number, len: number, rawType: number) => void,
): void {
  if (start < 0 || end > buf.length || start > end) {
    throw new AttrError(`attribute range ${start}..${end} outside buffer of ${buf.length}`);
  }
  let at = start;
  while (end - at >= NLA_HDRLEN) {
    const len = buf.readUInt16LE(at);
    const rawType = buf.readUInt16LE(at + 2);
    if (len < NLA_HDRLEN || len > end - at) {
      throw new AttrError(`attribute at offset ${at} has length ${len}, ${end - at} bytes left`);
    }
    visit(rawType & NLA_TYPE_MASK, at + NLA_HDRLEN, len - NLA_HDRLEN, rawType);
    at += align4(len);
  }
}

/** Every attribute in order, duplicates kept. */
export function decodeAttrList(buf: Buffer, start = 0, end = buf.length): Attr[] {
  const out: Attr[] = [];
  walkAttrs(buf, start, end, (type, at, len, rawType) => {
    out.push({ type, rawType, payload: buf.subarray(at, at + len) });
  });
  return out;
}

/**
 * type -> payload view over a buffer (the last occurrence of a type wins, as in the kernel's
 * nla_parse). Getters check sizes and throw AttrError instead of reading out of bounds.
 */
export class AttrMap {
  /** pos[2*type] = payload offset, pos[2*type+1] = payload length */
  private readonly pos: number[] = [];

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    walkAttrs(buf, start, end, (type, at, len) => {
      this.pos[2 * type] = at;
      this.pos[2 * type + 1] = len;
    });
  }

  has(type: number): boolean {
    return this.pos[2 * type] !== undefined;
  }

  types(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.pos.length; i += 2) if (this.pos[i] !== undefined) out.push(i / 2);
    return out;
  }

  /** Payload offset after checking presence and minimum size. */
  private at(type: number, size: number): number {
    const at = this.pos[2 * type];
    if (at === undefined) throw new AttrError(`attribute ${type} missing`);
    const len = this.pos[2 * type + 1]!;
    if (len < size) throw new AttrError(`attribute ${type} has ${len} bytes, needs ${size}`);
    return at;
  }

  length(type: number): number {
    this.at(type, 0);
    return this.pos[2 * type + 1]!;
  }

  u8(type: number): number {
    return this.buf.readUInt8(this.at(type, 1));
  }
  u16(type: number): number {
    return this.buf.readUInt16LE(this.at(type, 2));
  }
  u32(type: number): number {
    return this.buf.readUInt32LE(this.at(type, 4));
  }
  s32(type: number): number {
    return this.buf.readInt32LE(this.at(type, 4));
  }
  u64(type: number): bigint {
    return this.buf.readBigUInt64LE(this.at(type, 8));
  }
  /** u64 as a number: exact below 2^53, which counters do not reach in practice. */
  u64n(type: number): number {
    const at = this.at(type, 8);
    return this.buf.readUInt32LE(at) + this.buf.readUInt32LE(at + 4) * U32;
  }
  u16be(type: number): number {
    return this.buf.readUInt16BE(this.at(type, 2));
  }
  u32be(type: number): number {
    return this.buf.readUInt32BE(this.at(type, 4));
  }
  /** Up to the first NUL, or the whole payload if the sender left the NUL off. */
  string(type: number): string {
    const at = this.at(type, 0);
    const len = this.pos[2 * type + 1]!;
    let stop = this.buf.indexOf(0, at);
    if (stop < 0 || stop > at + len) stop = at + len;
    return this.buf.toString("utf8", at, stop);
  }
  binary(type: number): Buffer {
    const at = this.at(type, 0);
    return this.buf.subarray(at, at + this.pos[2 * type + 1]!);
  }
  nested(type: number): AttrMap {
    const at = this.at(type, 0);
    return new AttrMap(this.buf, at, at + this.pos[2 * type + 1]!);
  }
}
