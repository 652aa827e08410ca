// The netlink message layer under generic netlink: nlmsghdr (16 bytes) constants, header
// reading and datagram splitting. Both the transport (which matches replies to requests) and
// genl.ts (which frames generic netlink on top) use it, so neither imports the other's code.

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP = 0x300;
/** Flags the kernel sets on NLMSG_ERROR replies (NLM_F_CAPPED, NLM_F_ACK_TLVS). */
export const NLM_F_CAPPED = 0x100;
export const NLM_F_ACK_TLVS = 0x200;
export const NLMSGERR_ATTR_MSG = 1;

/** Framing that cannot be parsed, or a reply the protocol does not allow. */
export class NetlinkProtocolError extends Error {
  override name = "NetlinkProtocolError";
}

export interface NetlinkHeader {
  length: number;
  type: number;
  flags: number;
  seq: number;
  port: number;
}

export function readHeader(msg: Buffer): NetlinkHeader {
  if (msg.length < NLMSG_HDRLEN) throw new NetlinkProtocolError(`message of ${msg.length} bytes`);
  return {
    length: msg.readUInt32LE(0),
    type: msg.readUInt16LE(4),
    flags: msg.readUInt16LE(6),
    seq: msg.readUInt32LE(8),
    port: msg.readUInt32LE(12),
  };
}

/** Splits one received datagram into its netlink messages (views, not copies). */
export function splitMessages(datagram: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (datagram.length - at >= NLMSG_HDRLEN) {
    const len = datagram.readUInt32LE(at);
    if (len < NLMSG_HDRLEN || len > datagram.length - at) {
      throw new NetlinkProtocolError(`message at ${at} claims ${len} bytes, ${datagram.length - at} left`);
    }
    out.push(datagram.subarray(at, at + len));
    at += (len + 3) & ~3;
  }
  return out;
}

/** True when the replies of one request end in a kernel error (NLMSG_ERROR or DONE with errno). */
export function repliesFailed(replies: readonly Buffer[]): boolean {
  const last = replies.at(-1);
  if (!last || last.length < NLMSG_HDRLEN + 4) return false;
  const type = last.readUInt16LE(4);
  return (type === NLMSG_ERROR || type === NLMSG_DONE) && last.readInt32LE(NLMSG_HDRLEN) !== 0;
}
