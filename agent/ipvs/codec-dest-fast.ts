// The listing hot path: decodes a GET_DEST dump straight from the reply bytes in one pass per
// container, without AttrMap objects, closures or slices. Must agree with decodeDest
// (codec-dest.ts); the unit tests check both on the same bytes.
import type { DestinationState, Family, Forwarding, Stats, Tunnel } from "../../protocol/ipvs.ts";
import { AttrError } from "../netlink/attrs.ts";
import { GENL_HDRLEN, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, interpretReplies } from "../netlink/genl.ts";
import { formatIPv4, formatIPv6 } from "./codec-address.ts";
import { IpvsDecodeError } from "./codec-service.ts";
import { zeroStats } from "./codec-stats.ts";
import { K } from "./constants.ts";

const FWD: Forwarding[] = ["masq", "local", "tunnel", "route", "bypass", "masq", "masq", "masq"];
const TUN: Tunnel["type"][] = ["ipip", "gue", "gre"];
const U32 = 0x1_0000_0000;

function need(len: number, size: number, type: number): void {
  if (len < size) throw new AttrError(`dest attribute ${type} has ${len} bytes, needs ${size}`);
}

/** Reads a STATS64 (wide) or legacy STATS container into a Stats object. */
export function decodeStatsAt(b: Buffer, start: number, end: number, wide: boolean): Stats {
  const s = zeroStats();
  let at = start;
  while (end - at >= 4) {
    const len = b.readUInt16LE(at);
    const type = b.readUInt16LE(at + 2) & 0x3fff;
    if (len < 4 || len > end - at) throw new AttrError(`stats attribute at ${at} has length ${len}`);
    const p = at + 4;
    const plen = len - 4;
    if (type >= 1 && type <= 10) {
      let v: number;
      if (wide || type === K.IPVS_STATS_ATTR_INBYTES || type === K.IPVS_STATS_ATTR_OUTBYTES) {
        need(plen, 8, type);
        v = b.readUInt32LE(p) + b.readUInt32LE(p + 4) * U32;
      } else {
        need(plen, 4, type);
        v = b.readUInt32LE(p);
      }
      switch (type) {
        case 1: s.conns = v; break;
        case 2: s.inPkts = v; break;
        case 3: s.outPkts = v; break;
        case 4: s.inBytes = v; break;
        case 5: s.outBytes = v; break;
        case 6: s.cps = v; break;
        case 7: s.inPps = v; break;
        case 8: s.outPps = v; break;
        case 9: s.inBps = v; break;
        default: s.outBps = v;
      }
    }
    at += (len + 3) & ~3;
  }
  return s;
}

/** Decodes the attributes inside one DEST container at [start, end). */
export function decodeDestFast(b: Buffer, start: number, end: number, serviceFamily: Family): DestinationState {
  let addrAt = -1;
  let addrLen = 0;
  let port = -1;
  let fwd = -1;
  let weight = -1;
  let upper = 0;
  let lower = 0;
  let active = 0;
  let inactive = 0;
  let persist = 0;
  let af = 0;
  let tunType = 0;
  let tunPort = 0;
  let tunFlags = 0;
  let s64At = -1;
  let s64End = 0;
  let sAt = -1;
  let sEnd = 0;
  let at = start;
  while (end - at >= 4) {
    const len = b.readUInt16LE(at);
    const type = b.readUInt16LE(at + 2) & 0x3fff;
    if (len < 4 || len > end - at) throw new AttrError(`dest attribute at ${at} has length ${len}`);
    const p = at + 4;
    const plen = len - 4;
    switch (type) {
      case K.IPVS_DEST_ATTR_ADDR: addrAt = p; addrLen = plen; break;
      case K.IPVS_DEST_ATTR_PORT: need(plen, 2, type); port = b.readUInt16BE(p); break;
      case K.IPVS_DEST_ATTR_FWD_METHOD: need(plen, 4, type); fwd = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_WEIGHT: need(plen, 4, type); weight = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_U_THRESH: need(plen, 4, type); upper = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_L_THRESH: need(plen, 4, type); lower = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_ACTIVE_CONNS: need(plen, 4, type); active = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_INACT_CONNS: need(plen, 4, type); inactive = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_PERSIST_CONNS: need(plen, 4, type); persist = b.readUInt32LE(p); break;
      case K.IPVS_DEST_ATTR_ADDR_FAMILY: need(plen, 2, type); af = b.readUInt16LE(p); break;
      case K.IPVS_DEST_ATTR_TUN_TYPE: need(plen, 1, type); tunType = b[p]!; break;
      case K.IPVS_DEST_ATTR_TUN_PORT: need(plen, 2, type); tunPort = b.readUInt16BE(p); break;
      case K.IPVS_DEST_ATTR_TUN_FLAGS: need(plen, 2, type); tunFlags = b.readUInt16LE(p); break;
      case K.IPVS_DEST_ATTR_STATS64: s64At = p; s64End = p + plen; break;
      case K.IPVS_DEST_ATTR_STATS: sAt = p; sEnd = p + plen; break;
    }
    at += (len + 3) & ~3;
  }
  if (addrAt < 0 || port < 0 || fwd < 0 || weight < 0) throw new AttrError("dest without ADDR, PORT, FWD_METHOD or WEIGHT");
  const family: Family = af === 0 ? serviceFamily : af === K.AF_INET ? "ipv4" : af === K.AF_INET6 ? "ipv6" : "ipv4";
  if (af !== 0 && af !== K.AF_INET && af !== K.AF_INET6) throw new IpvsDecodeError(`unknown address family ${af}`);
  if (addrLen < (family === "ipv6" ? 16 : 4)) throw new IpvsDecodeError("destination address too short");
  const forwarding = FWD[fwd & 7]!;
  let tunnel: Tunnel | null = null;
  if (forwarding === "tunnel") {
    const type = TUN[tunType];
    if (!type) throw new IpvsDecodeError(`unknown tunnel type ${tunType}`);
    tunnel = { type, port: tunPort, checksum: tunFlags & 2 ? "remcsum" : tunFlags & 1 ? "csum" : "nocsum" };
  }
  return {
    key: { address: family === "ipv6" ? formatIPv6(b, addrAt) : formatIPv4(b, addrAt), port },
    config: { forwarding, weight, upperThreshold: upper, lowerThreshold: lower, tunnel },
    activeConns: active,
    inactiveConns: inactive,
    persistConns: persist,
    stats: s64At >= 0 ? decodeStatsAt(b, s64At, s64End, true) : sAt >= 0 ? decodeStatsAt(b, sAt, sEnd, false) : zeroStats(),
  };
}

/** All destinations of one GET_DEST dump's raw replies; kernel errors throw NetlinkError. */
export function decodeDestDump(op: string, replies: Buffer[], serviceFamily: Family): DestinationState[] {
  const out: DestinationState[] = [];
  for (const msg of replies) {
    const type = msg.readUInt16LE(4);
    if (type === NLMSG_DONE || type === NLMSG_ERROR) {
      interpretReplies(op, [msg]);
      break;
    }
    // Top level of a NEW_DEST message: find the DEST container.
    let at = NLMSG_HDRLEN + GENL_HDRLEN;
    const end = msg.length;
    while (end - at >= 4) {
      const len = msg.readUInt16LE(at);
      if (len < 4 || len > end - at) throw new AttrError(`attribute at ${at} has length ${len}`);
      if ((msg.readUInt16LE(at + 2) & 0x3fff) === K.IPVS_CMD_ATTR_DEST) {
        out.push(decodeDestFast(msg, at + 4, at + len, serviceFamily));
      }
      at += (len + 3) & ~3;
    }
  }
  return out;
}
