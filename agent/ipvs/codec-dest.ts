// Destination (real server) <-> IPVS_CMD_ATTR_DEST. Requests always carry the full dest,
// tunnel attributes included, because SET_DEST is a full replacement (an omitted TUN_TYPE
// silently turns a GUE server into IPIP).
import type {
  Destination,
  DestinationKey,
  DestinationState,
  Family,
  Forwarding,
  Tunnel,
} from "@/protocol/ipvs.ts";
import { familyOf } from "@/protocol/ipvs.ts";
import { type AttrMap, AttrWriter } from "../netlink/attrs.ts";
import { addressToBytes, formatAddress } from "./codec-address.ts";
import { IpvsDecodeError, afOf, familyOfAf } from "./codec-service.ts";
import { decodeStats } from "./codec-stats.ts";
import { K } from "./constants.ts";

const FWD_CODES: Record<Forwarding, number> = {
  masq: K.IP_VS_CONN_F_MASQ,
  local: K.IP_VS_CONN_F_LOCALNODE,
  tunnel: K.IP_VS_CONN_F_TUNNEL,
  route: K.IP_VS_CONN_F_DROUTE,
  bypass: K.IP_VS_CONN_F_BYPASS,
};
/** Index = FWD_METHOD & 7; like /proc and ipvsadm, the unnamed codes 5..7 read as masq. */
const FWD_NAMES: Forwarding[] = ["masq", "local", "tunnel", "route", "bypass", "masq", "masq", "masq"];

const TUN_TYPES: Record<Tunnel["type"], number> = {
  ipip: K.IP_VS_CONN_F_TUNNEL_TYPE_IPIP,
  gue: K.IP_VS_CONN_F_TUNNEL_TYPE_GUE,
  gre: K.IP_VS_CONN_F_TUNNEL_TYPE_GRE,
};
const TUN_TYPE_NAMES: Tunnel["type"][] = ["ipip", "gue", "gre"];
const TUN_CSUM: Record<Tunnel["checksum"], number> = {
  nocsum: K.IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM,
  csum: K.IP_VS_TUNNEL_ENCAP_FLAG_CSUM,
  remcsum: K.IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM,
};

function writeKey(n: AttrWriter, key: DestinationKey): void {
  n.u16(K.IPVS_DEST_ATTR_ADDR_FAMILY, afOf(familyOf(key.address)));
  n.binary(K.IPVS_DEST_ATTR_ADDR, addressToBytes(key.address));
  n.u16be(K.IPVS_DEST_ATTR_PORT, key.port);
}

export function writeDestKey(w: AttrWriter, key: DestinationKey): void {
  w.nested(K.IPVS_CMD_ATTR_DEST, (n) => writeKey(n, key));
}

export function writeDestFull(w: AttrWriter, dest: Destination): void {
  const c = dest.config;
  const tun = c.forwarding === "tunnel" ? c.tunnel : null;
  w.nested(K.IPVS_CMD_ATTR_DEST, (n) => {
    writeKey(n, dest.key);
    n.u32(K.IPVS_DEST_ATTR_FWD_METHOD, FWD_CODES[c.forwarding]);
    n.u32(K.IPVS_DEST_ATTR_WEIGHT, c.weight);
    n.u8(K.IPVS_DEST_ATTR_TUN_TYPE, tun ? TUN_TYPES[tun.type] : 0);
    n.u16be(K.IPVS_DEST_ATTR_TUN_PORT, tun ? tun.port : 0);
    n.u16(K.IPVS_DEST_ATTR_TUN_FLAGS, tun ? TUN_CSUM[tun.checksum] : 0);
    n.u32(K.IPVS_DEST_ATTR_U_THRESH, c.upperThreshold);
    n.u32(K.IPVS_DEST_ATTR_L_THRESH, c.lowerThreshold);
  });
}

export function encodeDestFull(dest: Destination): Buffer {
  const w = new AttrWriter(128);
  writeDestFull(w, dest);
  return w.finish();
}

function decodeTunnel(m: AttrMap): Tunnel {
  const t = m.has(K.IPVS_DEST_ATTR_TUN_TYPE) ? m.u8(K.IPVS_DEST_ATTR_TUN_TYPE) : 0;
  const type = TUN_TYPE_NAMES[t];
  if (!type) throw new IpvsDecodeError(`unknown tunnel type ${t}`);
  const f = m.has(K.IPVS_DEST_ATTR_TUN_FLAGS) ? m.u16(K.IPVS_DEST_ATTR_TUN_FLAGS) : 0;
  const checksum =
    f & K.IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM ? "remcsum" : f & K.IP_VS_TUNNEL_ENCAP_FLAG_CSUM ? "csum" : "nocsum";
  return {
    type,
    port: m.has(K.IPVS_DEST_ATTR_TUN_PORT) ? m.u16be(K.IPVS_DEST_ATTR_TUN_PORT) : 0,
    checksum,
  };
}

/**
 * Decodes the attributes inside one DEST container. Old kernels omit ADDR_FAMILY: then the
 * dest has the service's family.
 */
export function decodeDest(m: AttrMap, serviceFamily: Family): DestinationState {
  const family = m.has(K.IPVS_DEST_ATTR_ADDR_FAMILY)
    ? familyOfAf(m.u16(K.IPVS_DEST_ATTR_ADDR_FAMILY))
    : serviceFamily;
  if (m.length(K.IPVS_DEST_ATTR_ADDR) < (family === "ipv6" ? 16 : 4)) {
    throw new IpvsDecodeError("destination address too short");
  }
  const forwarding = FWD_NAMES[m.u32(K.IPVS_DEST_ATTR_FWD_METHOD) & K.IP_VS_CONN_F_FWD_MASK]!;
  const opt = (t: number) => (m.has(t) ? m.u32(t) : 0);
  return {
    key: { address: formatAddress(m.binary(K.IPVS_DEST_ATTR_ADDR), family), port: m.u16be(K.IPVS_DEST_ATTR_PORT) },
    config: {
      forwarding,
      weight: m.u32(K.IPVS_DEST_ATTR_WEIGHT),
      upperThreshold: opt(K.IPVS_DEST_ATTR_U_THRESH),
      lowerThreshold: opt(K.IPVS_DEST_ATTR_L_THRESH),
      tunnel: forwarding === "tunnel" ? decodeTunnel(m) : null,
    },
    activeConns: opt(K.IPVS_DEST_ATTR_ACTIVE_CONNS),
    inactiveConns: opt(K.IPVS_DEST_ATTR_INACT_CONNS),
    persistConns: opt(K.IPVS_DEST_ATTR_PERSIST_CONNS),
    stats: decodeStats(m, K.IPVS_DEST_ATTR_STATS64, K.IPVS_DEST_ATTR_STATS),
  };
}
