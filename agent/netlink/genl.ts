// Generic netlink framing on top of a Transport: nlmsghdr (16 bytes) + genlmsghdr (4 bytes)
// + attributes; family resolution through nlctrl; dump and error handling.
import { getSystemErrorName } from "node:util";
import { AttrMap, AttrWriter, walkAttrs } from "./attrs.ts";
import type { Transport } from "./transport.ts";
import { NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP, NLM_F_CAPPED, NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG, NetlinkProtocolError, repliesFailed } from "./nlmsg.ts";

// the nlmsghdr layer is re-exported: genl.ts stays the one import for the codec's users
export { NLMSG_HDRLEN, NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP, NLM_F_CAPPED, NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG, NetlinkProtocolError, readHeader, splitMessages, repliesFailed } from "./nlmsg.ts";
export type { NetlinkHeader } from "./nlmsg.ts";

export const GENL_HDRLEN = 4;

export const GENL_ID_CTRL = 0x10;
export const CTRL_CMD_GETFAMILY = 3;
export const CTRL_ATTR_FAMILY_ID = 1;
export const CTRL_ATTR_FAMILY_NAME = 2;
export const CTRL_ATTR_VERSION = 3;
export const CTRL_ATTR_HDRSIZE = 4;
export const CTRL_ATTR_MAXATTR = 5;

/** Linux numbers whose Node names are unhelpful (95 is "ENOTSUP" in libuv). */
const ERRNO_NAMES: Record<number, string> = { 95: "EOPNOTSUPP" };

export function errnoName(errno: number): string {
  const known = ERRNO_NAMES[errno];
  if (known) return known;
  try {
    return getSystemErrorName(-errno);
  } catch {
    return `E${errno}`;
  }
}

/** A request the kernel answered with NLMSG_ERROR (or a dump that ended in error). */
export class NetlinkError extends Error {
  override name = "NetlinkError";
  readonly code: string;
  constructor(
    readonly op: string,
    /** positive errno, e.g. 17 for EEXIST */
    readonly errno: number,
    /** NLMSGERR_ATTR_MSG, when the kernel sent extended ack text */
    readonly kernelMessage: string | null = null,
  ) {
    const code = errnoName(errno);
    super(`${op}: ${code}${kernelMessage ? ` (${kernelMessage})` : ""}`);
    this.code = code;
  }
}

export interface GenlRequest {
  family: number;
  cmd: number;
  version?: number;
  /** extra nlmsg flags, e.g. NLM_F_DUMP; REQUEST and ACK are always set */
  flags?: number;
  attrs?: Buffer;
}

/** A complete request message; seq and port are left 0 for the transport to assign. */
export function encodeGenlRequest(req: GenlRequest): Buffer {
  const attrs = req.attrs ?? Buffer.alloc(0);
  const out = Buffer.alloc(NLMSG_HDRLEN + GENL_HDRLEN + attrs.length);
  out.writeUInt32LE(out.length, 0);
  out.writeUInt16LE(req.family, 4);
  out.writeUInt16LE(NLM_F_REQUEST | NLM_F_ACK | (req.flags ?? 0), 6);
  out.writeUInt8(req.cmd, NLMSG_HDRLEN);
  out.writeUInt8(req.version ?? 1, NLMSG_HDRLEN + 1);
  attrs.copy(out, NLMSG_HDRLEN + GENL_HDRLEN);
  return out;
}

export interface GenlMessage {
  cmd: number;
  version: number;
  flags: number;
  /** the whole message; attributes start at NLMSG_HDRLEN + GENL_HDRLEN */
  raw: Buffer;
}

/** The message's attributes as an AttrMap over the original bytes. */
export function genlAttrs(m: GenlMessage): AttrMap {
  return new AttrMap(m.raw, NLMSG_HDRLEN + GENL_HDRLEN, m.raw.length);
}

/** Decodes an NLMSG_ERROR payload: errno (0 = ACK) and the extended-ack text if present. */
export function parseErrorMessage(msg: Buffer): { errno: number; kernelMessage: string | null } {
  const flags = msg.readUInt16LE(6);
  if (msg.length < NLMSG_HDRLEN + 4) throw new NetlinkProtocolError("truncated NLMSG_ERROR");
  const errno = -msg.readInt32LE(NLMSG_HDRLEN);
  let kernelMessage: string | null = null;
  if (flags & NLM_F_ACK_TLVS) {
    // struct nlmsgerr = error + the original header; without CAPPED the request payload follows.
    const orig = NLMSG_HDRLEN + 4;
    if (msg.length < orig + NLMSG_HDRLEN) throw new NetlinkProtocolError("truncated nlmsgerr");
    const origLen = flags & NLM_F_CAPPED ? NLMSG_HDRLEN : msg.readUInt32LE(orig);
    const tlvStart = orig + ((origLen + 3) & ~3);
    if (tlvStart <= msg.length) {
      walkAttrs(msg, tlvStart, msg.length, (type, at, len) => {
        if (type !== NLMSGERR_ATTR_MSG) return;
        let stop = at + len;
        while (stop > at && msg[stop - 1] === 0) stop--;
        kernelMessage = msg.toString("utf8", at, stop);
      });
    }
  }
  return { errno, kernelMessage };
}

/**
 * Turns the raw reply messages of one request into data messages: ACKs are dropped, the DONE
 * of a dump ends it, and an NLMSG_ERROR (or DONE carrying an error) throws NetlinkError.
 */
export function interpretReplies(op: string, replies: Buffer[]): GenlMessage[] {
  const out: GenlMessage[] = [];
  for (const msg of replies) {
    if (msg.length < NLMSG_HDRLEN) throw new NetlinkProtocolError(`${op}: short message`);
    const type = msg.readUInt16LE(4);
    if (type === NLMSG_ERROR) {
      const { errno, kernelMessage } = parseErrorMessage(msg);
      if (errno !== 0) throw new NetlinkError(op, errno, kernelMessage);
      continue;
    }
    if (type === NLMSG_DONE) {
      // A dump that fails part-way puts its negative errno in the DONE payload.
      if (msg.length >= NLMSG_HDRLEN + 4) {
        const err = -msg.readInt32LE(NLMSG_HDRLEN);
        if (err > 0) throw new NetlinkError(op, err);
      }
      break;
    }
    if (type === NLMSG_NOOP) continue;
    if (msg.length < NLMSG_HDRLEN + GENL_HDRLEN) throw new NetlinkProtocolError(`${op}: short genl message`);
    out.push({
      cmd: msg.readUInt8(NLMSG_HDRLEN),
      version: msg.readUInt8(NLMSG_HDRLEN + 1),
      flags: msg.readUInt16LE(6),
      raw: msg,
    });
  }
  return out;
}

export interface FamilyInfo {
  id: number;
  name: string;
  version: number;
  hdrsize: number;
  maxattr: number;
}

/** CTRL_CMD_GETFAMILY by name; ENOENT (as NetlinkError) when the family is not registered. */
export async function resolveFamily(transport: Transport, name: string, timeoutMs?: number): Promise<FamilyInfo> {
  const attrs = new AttrWriter(64).string(CTRL_ATTR_FAMILY_NAME, name).finish();
  const req = encodeGenlRequest({ family: GENL_ID_CTRL, cmd: CTRL_CMD_GETFAMILY, version: 1, attrs });
  const replies = interpretReplies(`resolve family ${name}`, await transport.request(req, { timeoutMs }));
  const first = replies[0];
  if (!first) throw new NetlinkProtocolError(`GETFAMILY ${name}: no reply message`);
  const a = genlAttrs(first);
  return {
    id: a.u16(CTRL_ATTR_FAMILY_ID),
    name: a.string(CTRL_ATTR_FAMILY_NAME),
    version: a.has(CTRL_ATTR_VERSION) ? a.u32(CTRL_ATTR_VERSION) : 0,
    hdrsize: a.has(CTRL_ATTR_HDRSIZE) ? a.u32(CTRL_ATTR_HDRSIZE) : 0,
    maxattr: a.has(CTRL_ATTR_MAXATTR) ? a.u32(CTRL_ATTR_MAXATTR) : 0,
  };
}

/** One resolved generic netlink family on a transport. */
export class GenlFamily {
  constructor(
    readonly transport: Transport,
    readonly info: FamilyInfo,
    readonly timeoutMs?: number,
  ) {}

  /** A do-request: resolves with its reply messages (none for SET-type commands). */
  async call(op: string, cmd: number, attrs?: Buffer): Promise<GenlMessage[]> {
    const req = encodeGenlRequest({ family: this.info.id, cmd, version: this.info.version || 1, attrs });
    return interpretReplies(op, await this.transport.request(req, { timeoutMs: this.timeoutMs }));
  }

  /**
   * Many do-requests in order (one socket, several per write when the transport can: see
   * Transport.requestBatch). Result i is request i's reply messages, its NetlinkError, or null
   * when it was not sent because an earlier one failed (stopOnError).
   */
  async callBatch(
    requests: readonly { op: string; cmd: number; attrs?: Buffer }[],
    stopOnError = false,
  ): Promise<Array<GenlMessage[] | NetlinkError | null>> {
    const version = this.info.version || 1;
    const msgs = requests.map((r) => encodeGenlRequest({ family: this.info.id, cmd: r.cmd, version, attrs: r.attrs }));
    const options = { timeoutMs: this.timeoutMs, stopOnError };
    const replies: Array<Buffer[] | null> = [];
    if (this.transport.requestBatch) replies.push(...(await this.transport.requestBatch(msgs, options)));
    else {
      // a transport without batches (test fakes): the same contract, one request at a time
      let failed = false;
      for (const m of msgs) {
        const r = failed && stopOnError ? null : await this.transport.request(m, options);
        if (r && repliesFailed(r)) failed = true;
        replies.push(r);
      }
    }
    return replies.map((r, i) => {
      if (r === null) return null;
      try {
        return interpretReplies(requests[i]!.op, r);
      } catch (err) {
        if (err instanceof NetlinkError) return err;
        throw err;
      }
    });
  }

  /**
   * Many dumps of one command, pipelined by the transport; returns each dump's raw reply
   * messages (DONE included, errors NOT checked: pass each list through interpretReplies or a
   * decoder that does the same).
   */
  dumpMany(cmd: number, attrsList: Buffer[]): Promise<Buffer[][]> {
    return this.transport.requestAll(this.dumpRequests(cmd, attrsList), { timeoutMs: this.timeoutMs });
  }

  private dumpRequests(cmd: number, attrsList: Buffer[]): Buffer[] {
    const version = this.info.version || 1;
    return attrsList.map((attrs) => encodeGenlRequest({ family: this.info.id, cmd, version, flags: NLM_F_DUMP, attrs }));
  }

  /** A dump: every NLM_F_MULTI part, DONE stripped; an empty dump resolves with []. */
  async dump(op: string, cmd: number, attrs?: Buffer): Promise<GenlMessage[]> {
    const req = encodeGenlRequest({
      family: this.info.id,
      cmd,
      version: this.info.version || 1,
      flags: NLM_F_DUMP,
      attrs,
    });
    return interpretReplies(op, await this.transport.request(req, { timeoutMs: this.timeoutMs }));
  }
}
