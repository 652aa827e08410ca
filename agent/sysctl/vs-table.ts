// Meaning, default and accepted range of the documented net.ipv4.vs.* sysctls (reference 7.1)
// and of the other allow-listed LVS sysctls (7.2). Ranges are the values the documentation
// gives a meaning to; the kernel itself accepts more for some of them.
import type { SysctlDoc } from "@/protocol/sysctl.ts";

const INT_MAX = 2147483647;
const bool = (meaning: string, def: string): SysctlDoc => ({ meaning, default: def, rule: { kind: "int", count: 1, min: 0, max: 1 } });
const range = (meaning: string, def: string | null, min: number, max: number, note?: string): SysctlDoc => ({
  meaning,
  default: def,
  rule: note === undefined ? { kind: "int", count: 1, min, max } : { kind: "int", count: 1, min, max, note },
});

export const VS_SYSCTLS: Readonly<Record<string, SysctlDoc>> = {
  am_droprate: range("drop rate (1/rate) used when drop_packet is 3", "10", 0, INT_MAX),
  amemthresh: range("low-memory threshold in pages for the automatic defense modes", "1024", 0, INT_MAX),
  backup_only: bool("stop load balancing while this host is a sync backup (avoids DR/TUN loops)", "0"),
  cache_bypass: bool("with no real server available, forward to the original destination", "0"),
  conn_reuse_mode: range(
    "reschedule a new connection that reuses the client address:port of an old entry (bit 0: when safe; bit 1: also FIN_WAIT on DR/TUN)",
    "1", 0, 3,
  ),
  conntrack: bool("keep netfilter conntrack entries for IPVS connections (needed by stateful iptables/nft rules, SNAT)", "0"),
  drop_entry: range("randomly drop SYN_RECV/SYNACK entries: 0 off, 1/2 automatic under memory pressure, 3 always", "0", 0, 3),
  drop_packet: range("drop 1/rate packets: 0 off, 1/2 automatic, 3 always", "0", 0, 3),
  est_cpulist: { meaning: "CPUs for the rate estimator kthreads; empty stops estimation (6.2+)", default: null, rule: { kind: "cpulist" } },
  est_nice: range("nice value of the estimator kthreads (6.2+)", "0", -20, 19),
  expire_nodest_conn: bool("expire entries whose real server was deleted, so clients get an error instead of silence", "0"),
  expire_quiescent_template: bool("expire persistence templates pointing at a weight-0 server when used (makes drains effective)", "0"),
  ignore_tunneled: bool("mark packets of unknown protocols as IPVS-owned (director also a real server)", "0"),
  lblc_expiration: range("seconds an idle lblc scheduler entry is kept (ip_vs_lblc loaded)", "86400", 1, INT_MAX),
  lblcr_expiration: range("seconds an idle lblcr server set is kept (ip_vs_lblcr loaded)", "86400", 1, INT_MAX),
  nat_icmp_send: bool("send ICMP unreachable for NAT replies matching no entry", "0"),
  pmtu_disc: bool("reject oversized DF packets with FRAG_NEEDED; 0 lets TUN fragment them", "1"),
  run_estimation: bool("0 suspends rate estimation", "1"),
  schedule_icmp: bool("schedule ICMP error packets that match no entry like new traffic", "0"),
  secure_tcp: range("stricter TCP state table and shorter timeouts: 0 off, 1/2 automatic, 3 always", "0", 0, 3),
  sloppy_sctp: bool("create entries on any SCTP packet, not only INIT", "0"),
  sloppy_tcp: bool("create entries on any TCP packet, not only SYN (multi-director without sync)", "0"),
  snat_reroute: bool("re-route NAT replies as if originated by the director (policy routing)", "1"),
  sync_persist_mode: bool("for persistent services sync only templates", "0"),
  sync_ports: range("number of sync threads/UDP ports from 8848", "1", 1, 1024, "power of 2"),
  sync_qlen_max: range("cap of queued sync messages", null, 1, INT_MAX),
  sync_refresh_period: range("seconds of timer change that trigger a new sync message", "0", 0, INT_MAX),
  sync_retries: range("resend sync messages this many times", "0", 0, 3),
  sync_sock_size: range("SNDBUF/RCVBUF of sync sockets, 0 = system default", "0", 0, INT_MAX),
  sync_threshold: {
    meaning: "sync a connection when its packet count modulo period equals threshold (two numbers: threshold period)",
    default: "3\t50",
    rule: { kind: "int", count: 2, min: 0, max: INT_MAX, note: "threshold < period unless period is 0" },
  },
  sync_version: bool("sync protocol version sent (0 for very old peers)", "1"),
};

export const OTHER_SYSCTLS: Readonly<Record<string, SysctlDoc>> = {
  "net.ipv4.ip_forward": bool("route packets between interfaces (required on a NAT director)", "0"),
  "net.ipv6.conf.all.forwarding": bool("IPv6 forwarding (required on an IPv6 NAT director)", "0"),
};

/** Per-interface IPv4 settings (net.ipv4.conf.<if>.<key>); effective value = max(all, if) except send_redirects (either). */
export const CONF_SYSCTLS: Readonly<Record<string, SysctlDoc>> = {
  arp_ignore: range(
    "which ARP requests to answer: 0 any local address, 1 only addresses on the incoming interface, 2 also same subnet, 3 not scope-host, 8 never (DR real servers: 1)",
    "0", 0, 8, "values 0-3 and 8 have a meaning",
  ),
  arp_announce: range("source address of ARP requests: 0 any, 1 same subnet, 2 best address of the outgoing interface (DR real servers: 2)", "0", 0, 2),
  send_redirects: bool("send ICMP redirects (directors: 0 on all and the interface)", "1"),
  rp_filter: range("reverse-path filter: 0 off, 1 strict, 2 loose (TUN real servers: 0 or 2)", null, 0, 2),
};
