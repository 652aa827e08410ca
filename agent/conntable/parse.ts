// Streaming parser of /proc/net/ip_vs_conn (reference section 3.3). It works on bytes: hex
// fields are decoded straight from the buffer, lines are found with the native indexOf, and
// only the unfinished last line of a chunk is copied and kept. Memory: one chunk plus one
// partial line (at most MAX_LINE bytes), whatever the table size.
import type { ConnEntry, ConnProtocol } from "@/protocol/conntable.ts";
import { ipv4FromU32, ipv6FromGroups } from "./address.ts";

export class ConnParseError extends Error {
  override name = "ConnParseError";
  constructor(
    message: string,
    readonly lineNumber: number,
  ) {
    super(`line ${lineNumber}: ${message}`);
  }
}

/** Longest sane line: three full IPv6 addresses are ~150 bytes; PE data (SIP Call-ID) adds some. */
export const MAX_LINE = 4096;

const NL = 10;
const SPACE = 32;
const CR = 13;

const HEX = new Int8Array(256).fill(-1);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

/** Known state names, found by (length, first byte) so common lines allocate no state string. */
const STATE_NAMES = [
  "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
  "LAST_ACK", "LISTEN", "SYNACK", "UDP", "ASSURED", "INIT1", "INIT", "C-SENT", "C-REPLIED",
  "C-WAIT", "COOKIE", "C-ECHOED", "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED",
  "ERR!", "?",
];
const STATE_BY_SHAPE = new Map<number, string[]>();
for (const s of STATE_NAMES) {
  const k = (s.length << 8) | s.charCodeAt(0);
  STATE_BY_SHAPE.set(k, [...(STATE_BY_SHAPE.get(k) ?? []), s]);
}

const MAX_TOKENS = 10; // nine columns, then the PE name; PE data is the rest of the line
const tokStart = new Int32Array(MAX_TOKENS);
const tokEnd = new Int32Array(MAX_TOKENS);
const groups = new Uint16Array(8);

function bytesEqual(buf: Uint8Array, s: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[s + i] !== text.charCodeAt(i)) return false;
  return true;
}

export class ConnTableParser {
  /** Bytes fed so far. */
  bytes = 0;
  /** Entries emitted so far. */
  entries = 0;
  private lineNumber = 0;
  private carry: Buffer | null = null;

  /** Parses every complete line of `chunk`, keeping an unfinished last line for the next call. */
  feed(chunk: Uint8Array, emit: (e: ConnEntry) => void): void {
    this.bytes += chunk.byteLength;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let pos = 0;
    if (this.carry !== null) {
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.keep(Buffer.concat([this.carry, buf]));
        return;
      }
      const line = Buffer.concat([this.carry, buf.subarray(0, nl)]);
      this.carry = null;
      this.line(line, 0, line.length, emit);
      pos = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      this.line(buf, pos, nl, emit);
      pos = nl + 1;
    }
    // copy, so the chunk itself can be collected
    if (pos < buf.length) this.keep(Buffer.from(buf.subarray(pos)));
  }

  /** Parses a last line that had no newline. */
  end(emit: (e: ConnEntry) => void): void {
    if (this.carry === null) return;
    const line = this.carry;
    this.carry = null;
    this.line(line, 0, line.length, emit);
  }

  private keep(partial: Buffer): void {
    if (partial.length > MAX_LINE) {
      throw new ConnParseError(`line longer than ${MAX_LINE} bytes`, this.lineNumber + 1);
    }
    this.carry = partial;
  }

  private line(buf: Buffer, start: number, end: number, emit: (e: ConnEntry) => void): void {
    this.lineNumber++;
    if (end > start && buf[end - 1] === CR) end--;
    if (end - start > MAX_LINE) throw new ConnParseError(`line longer than ${MAX_LINE} bytes`, this.lineNumber);
    if (end === start) return;
    if (this.lineNumber === 1 && bytesEqual(buf, start, "Pro ")) return; // the header
    emit(this.entry(buf, start, end));
    this.entries++;
  }

  private fail(message: string): never {
    throw new ConnParseError(message, this.lineNumber);
  }

  private entry(buf: Buffer, start: number, end: number): ConnEntry {
    let n = 0;
    let p = start;
    let peDataStart = -1;
    while (p < end) {
      while (p < end && buf[p] === SPACE) p++;
      if (p >= end) break;
      if (n === MAX_TOKENS) {
        peDataStart = p;
        break;
      }
      tokStart[n] = p;
      while (p < end && buf[p] !== SPACE) p++;
      tokEnd[n++] = p;
    }
    if (n !== 9 && n !== 10) this.fail(`expected 9 columns or 11 with PE, got ${n}`);

    const protocol = this.protocol(buf, tokStart[0]!, tokEnd[0]!);
    const clientAddress = this.address(buf, tokStart[1]!, tokEnd[1]!);
    const clientPort = this.port(buf, tokStart[2]!, tokEnd[2]!);
    let virtualAddress: string | undefined;
    let fwmark: number | undefined;
    if (protocol === "IP") fwmark = this.markField(buf, tokStart[3]!, tokEnd[3]!);
    else virtualAddress = this.address(buf, tokStart[3]!, tokEnd[3]!);
    const virtualPort = this.port(buf, tokStart[4]!, tokEnd[4]!);
    const destAddress = this.address(buf, tokStart[5]!, tokEnd[5]!);
    const destPort = this.port(buf, tokStart[6]!, tokEnd[6]!);
    const state = this.state(buf, tokStart[7]!, tokEnd[7]!);
    const expires = this.decimal(buf, tokStart[8]!, tokEnd[8]!);
    let peName: string | undefined;
    let peData: string | undefined;
    if (n === 10) {
      peName = buf.toString("latin1", tokStart[9]!, tokEnd[9]!);
      peData = peDataStart < 0 ? "" : buf.toString("latin1", peDataStart, end);
    }
    const template = protocol === "IP" || (clientPort === 0 && (state === "NONE" || state === "ASSURED"));
    return {
      protocol,
      clientAddress,
      clientPort,
      virtualAddress,
      fwmark,
      virtualPort,
      destAddress,
      destPort,
      state,
      expires,
      peName,
      peData,
      template,
    };
  }

  private protocol(buf: Buffer, s: number, e: number): ConnProtocol {
    const len = e - s;
    const c0 = buf[s];
    if (len === 3 && c0 === 84 && bytesEqual(buf, s, "TCP")) return "TCP";
    if (len === 3 && c0 === 85 && bytesEqual(buf, s, "UDP")) return "UDP";
    if (len === 2 && bytesEqual(buf, s, "IP")) return "IP";
    if (len === 4 && bytesEqual(buf, s, "SCTP")) return "SCTP";
    if (len === 4 && bytesEqual(buf, s, "ICMP")) return "ICMP";
    if (len === 6 && bytesEqual(buf, s, "ICMPv6")) return "ICMPv6";
    if (len > 3 && len <= 6 && bytesEqual(buf, s, "IP_")) {
      const num = this.decimal(buf, s + 3, e);
      if (num <= 255) return `IP_${num}`;
    }
    return this.fail(`unknown protocol ${JSON.stringify(buf.toString("latin1", s, e))}`);
  }

  private hex(buf: Buffer, s: number, e: number): number {
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = HEX[buf[i]!]!;
      if (d < 0) this.fail(`bad hex ${JSON.stringify(buf.toString("latin1", s, e))}`);
      v = v * 16 + d;
    }
    return v;
  }

  private decimal(buf: Buffer, s: number, e: number): number {
    if (e === s || e - s > 10) this.fail(`bad number ${JSON.stringify(buf.toString("latin1", s, e))}`);
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) this.fail(`bad number ${JSON.stringify(buf.toString("latin1", s, e))}`);
      v = v * 10 + d;
    }
    return v;
  }

  private port(buf: Buffer, s: number, e: number): number {
    if (e - s !== 4) this.fail(`bad port ${JSON.stringify(buf.toString("latin1", s, e))}`);
    return this.hex(buf, s, e);
  }

  /** 8 hex digits (IPv4) or the 39-character full IPv6 form. */
  private address(buf: Buffer, s: number, e: number): string {
    if (e - s === 8) return ipv4FromU32(this.hex(buf, s, e));
    this.groups(buf, s, e);
    return ipv6FromGroups(groups);
  }

  /** The fwmark a template carries in its virtual-address field (first 32 bits for IPv6). */
  private markField(buf: Buffer, s: number, e: number): number {
    if (e - s === 8) return this.hex(buf, s, e);
    this.groups(buf, s, e);
    return groups[0]! * 0x10000 + groups[1]!;
  }

  private groups(buf: Buffer, s: number, e: number): void {
    if (e - s !== 39) this.fail(`bad address ${JSON.stringify(buf.toString("latin1", s, e))}`);
    for (let i = 0; i < 8; i++) {
      const g = s + 5 * i;
      if (i < 7 && buf[g + 4] !== 58) this.fail(`bad IPv6 address ${JSON.stringify(buf.toString("latin1", s, e))}`);
      groups[i] = this.hex(buf, g, g + 4);
    }
  }

  private state(buf: Buffer, s: number, e: number): string {
    const candidates = STATE_BY_SHAPE.get(((e - s) << 8) | buf[s]!);
    if (candidates !== undefined) {
      for (const c of candidates) if (bytesEqual(buf, s, c)) return c;
    }
    return buf.toString("latin1", s, e);
  }
}

/**
 * Parses a byte stream (a file or /proc read stream, a socket, ...) and yields the entries of
 * each chunk as one batch, so consumers pay one await per chunk rather than per entry.
 */
export async function* parseConnStream(stream: AsyncIterable<Uint8Array>): AsyncGenerator<ConnEntry[]> {
  const parser = new ConnTableParser();
  for await (const chunk of stream) {
    const batch: ConnEntry[] = [];
    parser.feed(chunk, (e) => batch.push(e));
    if (batch.length > 0) yield batch;
  }
  const last: ConnEntry[] = [];
  parser.end((e) => last.push(e));
  if (last.length > 0) yield last;
}
