// Sync daemons, GET_INFO and the connection timeouts (GET/SET_CONFIG).
import type { IpvsInfo, SyncDaemon, Timeouts } from "@/protocol/ipvs.ts";
import { isIPv4 } from "@/protocol/ip.ts";
import { type AttrMap, AttrWriter } from "../netlink/attrs.ts";
import { addressToBytes, formatIPv4, formatIPv6 } from "./codec-address.ts";
import { IpvsDecodeError } from "./codec-service.ts";
import { K } from "./constants.ts";

const STATES = { master: K.IP_VS_STATE_MASTER, backup: K.IP_VS_STATE_BACKUP } as const;

export function daemonStateCode(state: SyncDaemon["state"]): number {
  return STATES[state];
}

export function writeDaemon(w: AttrWriter, d: SyncDaemon): void {
  w.nested(K.IPVS_CMD_ATTR_DAEMON, (n) => {
    n.u32(K.IPVS_DAEMON_ATTR_STATE, STATES[d.state]);
    n.string(K.IPVS_DAEMON_ATTR_MCAST_IFN, d.mcastInterface);
    n.u32(K.IPVS_DAEMON_ATTR_SYNC_ID, d.syncId);
    if (d.maxLen !== undefined) n.u16(K.IPVS_DAEMON_ATTR_SYNC_MAXLEN, d.maxLen);
    if (d.mcastGroup !== undefined) {
      const bytes = addressToBytes(d.mcastGroup);
      if (isIPv4(d.mcastGroup)) n.binary(K.IPVS_DAEMON_ATTR_MCAST_GROUP, bytes.subarray(0, 4));
      else n.binary(K.IPVS_DAEMON_ATTR_MCAST_GROUP6, bytes);
    }
    // Unlike every other IPVS port, the multicast port is host order.
    if (d.mcastPort !== undefined) n.u16(K.IPVS_DAEMON_ATTR_MCAST_PORT, d.mcastPort);
    if (d.mcastTtl !== undefined) n.u8(K.IPVS_DAEMON_ATTR_MCAST_TTL, d.mcastTtl);
  });
}

export function encodeDaemon(d: SyncDaemon): Buffer {
  const w = new AttrWriter(96);
  writeDaemon(w, d);
  return w.finish();
}

/** Decodes the attributes inside one DAEMON container. */
export function decodeDaemon(m: AttrMap): SyncDaemon {
  const code = m.u32(K.IPVS_DAEMON_ATTR_STATE);
  const state = code === K.IP_VS_STATE_MASTER ? "master" : code === K.IP_VS_STATE_BACKUP ? "backup" : null;
  if (!state) throw new IpvsDecodeError(`unknown sync daemon state ${code}`);
  const d: SyncDaemon = {
    state,
    mcastInterface: m.string(K.IPVS_DAEMON_ATTR_MCAST_IFN),
    syncId: m.u32(K.IPVS_DAEMON_ATTR_SYNC_ID),
  };
  if (m.has(K.IPVS_DAEMON_ATTR_SYNC_MAXLEN)) d.maxLen = m.u16(K.IPVS_DAEMON_ATTR_SYNC_MAXLEN);
  if (m.has(K.IPVS_DAEMON_ATTR_MCAST_GROUP6) && m.length(K.IPVS_DAEMON_ATTR_MCAST_GROUP6) >= 16) {
    d.mcastGroup = formatIPv6(m.binary(K.IPVS_DAEMON_ATTR_MCAST_GROUP6));
  } else if (m.has(K.IPVS_DAEMON_ATTR_MCAST_GROUP) && m.length(K.IPVS_DAEMON_ATTR_MCAST_GROUP) >= 4) {
    d.mcastGroup = formatIPv4(m.binary(K.IPVS_DAEMON_ATTR_MCAST_GROUP));
  }
  if (m.has(K.IPVS_DAEMON_ATTR_MCAST_PORT)) d.mcastPort = m.u16(K.IPVS_DAEMON_ATTR_MCAST_PORT);
  if (m.has(K.IPVS_DAEMON_ATTR_MCAST_TTL)) d.mcastTtl = m.u8(K.IPVS_DAEMON_ATTR_MCAST_TTL);
  return d;
}

/** 0x010201 -> "1.2.1" */
export function formatIpvsVersion(v: number): string {
  return `${(v >> 16) & 0xff}.${(v >> 8) & 0xff}.${v & 0xff}`;
}

export function decodeInfo(top: AttrMap): IpvsInfo {
  return {
    version: formatIpvsVersion(top.u32(K.IPVS_INFO_ATTR_VERSION)),
    connTableSize: top.u32(K.IPVS_INFO_ATTR_CONN_TAB_SIZE),
  };
}

export function encodeInfo(info: IpvsInfo): Buffer {
  const [a = 0, b = 0, c = 0] = info.version.split(".").map(Number);
  return new AttrWriter(32)
    .u32(K.IPVS_INFO_ATTR_VERSION, (a << 16) | (b << 8) | c)
    .u32(K.IPVS_INFO_ATTR_CONN_TAB_SIZE, info.connTableSize)
    .finish();
}

export function decodeTimeouts(top: AttrMap): Timeouts {
  const get = (t: number) => (top.has(t) ? top.u32(t) : 0);
  return {
    tcp: get(K.IPVS_CMD_ATTR_TIMEOUT_TCP),
    tcpFin: get(K.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN),
    udp: get(K.IPVS_CMD_ATTR_TIMEOUT_UDP),
  };
}

/** Only the nonzero fields: an absent attribute leaves that timeout unchanged in the kernel. */
export function encodeTimeouts(t: Partial<Timeouts>): Buffer {
  const w = new AttrWriter(32);
  if (t.tcp) w.u32(K.IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcp);
  if (t.tcpFin) w.u32(K.IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcpFin);
  if (t.udp) w.u32(K.IPVS_CMD_ATTR_TIMEOUT_UDP, t.udp);
  return w.finish();
}
