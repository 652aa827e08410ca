// virtual_server and its real_servers (check_parser.c's keywords) into a service with its
// destinations (the table) and its health configuration (the checks).
import type { CheckTiming, RealServerHealth, ServiceHealth } from "../health.ts";
import { type Destination, type DestinationConfig, type Forwarding, SCHEDULERS, type Service, type ServiceKey, type Tunnel } from "../ipvs.ts";
import { ipVersion } from "../ip.ts";
import type { Ctx } from "./context.ts";
import { CHECKER_KINDS, OTHER_CHECKERS, checker, timing } from "./parse-checks.ts";
import type { Statement } from "./syntax.ts";

export interface ParsedService {
  service: Service & { destinations: Destination[] };
  health: ServiceHealth;
  /** did the block say anything about checks (checkers, quorum, sorry server)? */
  checked: boolean;
}

const METHOD: Record<string, Forwarding> = { NAT: "masq", DR: "route", TUN: "tunnel" };
const VS_UNSUPPORTED = new Set(["ha_suspend", "smtp_alert", "virtualhost", "snmp_name", "omega", "quorum_up", "quorum_down", "hashed"]);
const RS_UNSUPPORTED = new Set(["notify_up", "notify_down", "smtp_alert", "virtualhost", "snmp_name"]);
const FLAGS: Record<string, Service["config"]["schedulerFlags"][number]> = {
  "flag-1": "flag-1", "flag-2": "flag-2", "flag-3": "flag-3",
  "sh-fallback": "flag-1", "sh-port": "flag-2", "mh-fallback": "flag-1", "mh-port": "flag-2",
};

/** `lvs_method TUN type gue port 6080 csum` */
export function method(ctx: Ctx, s: Statement): { forwarding: Forwarding; tunnel: Tunnel | null } {
  const name = ctx.arg(s).toUpperCase();
  const forwarding = METHOD[name];
  if (!forwarding) ctx.fail(s, s.words[1], `${s.words[0]!.text}: '${s.words[1]!.text}' is not NAT, DR or TUN`);
  if (forwarding !== "tunnel") {
    if (s.words.length > 2) ctx.fail(s, s.words[2], `${name} takes no tunnel options`);
    return { forwarding, tunnel: null };
  }
  const tunnel: Tunnel = { type: "ipip", port: 0, checksum: "nocsum" };
  for (let i = 2; i < s.words.length; i++) {
    const w = s.words[i]!.text;
    if (w === "type") {
      const t = ctx.arg(s, ++i);
      if (t !== "ipip" && t !== "gue" && t !== "gre") ctx.fail(s, s.words[i], `tunnel type '${t}' is not ipip, gue or gre`);
      tunnel.type = t;
    } else if (w === "port") tunnel.port = ctx.number(s, ++i, 1, 65535);
    else if (w === "nocsum" || w === "csum" || w === "remcsum") tunnel.checksum = w;
    else ctx.fail(s, s.words[i], `unknown tunnel option '${w}'`);
  }
  if (tunnel.type === "gue" && tunnel.port === 0) ctx.fail(s, undefined, "a gue tunnel needs a port");
  return { forwarding, tunnel };
}

function realServer(ctx: Ctx, s: Statement, defaults: { forwarding: Forwarding; tunnel: Tunnel | null; weight: number }): RealServerHealth {
  const key = { address: ctx.address(s, 1), port: s.words[2] ? ctx.number(s, 2, 0, 65535) : 0 };
  const config: DestinationConfig = { forwarding: defaults.forwarding, weight: defaults.weight, upperThreshold: 0, lowerThreshold: 0, tunnel: defaults.tunnel };
  const rs: RealServerHealth = { key, config, checkers: [] };
  for (const k of s.block ?? []) {
    const kw = k.words[0]!.text;
    if (timing(ctx, k, rs as CheckTiming)) continue;
    if (kw === "weight") config.weight = ctx.number(k, 1, 0, 2147483647);
    else if (kw === "lvs_method") Object.assign(config, method(ctx, k));
    else if (kw === "uthreshold") config.upperThreshold = ctx.number(k, 1, 0, 2147483647);
    else if (kw === "lthreshold") config.lowerThreshold = ctx.number(k, 1, 0, 2147483647);
    else if (kw === "inhibit_on_failure") rs.inhibitOnFailure = ctx.flag(k);
    else if (CHECKER_KINDS.has(kw)) rs.checkers.push(checker(ctx, k));
    else if (OTHER_CHECKERS.has(kw) || RS_UNSUPPORTED.has(kw)) ctx.unsupported(k);
    else ctx.unknown(k);
  }
  return rs;
}

/** The service keys a virtual_server header names: one, or each entry of its group. */
export type GroupTable = Map<string, ServiceKey[]>;

export function virtualServer(ctx: Ctx, s: Statement, groups: GroupTable): ParsedService[] {
  const body = ctx.block(s);
  const first = ctx.arg(s);
  let protocol: "tcp" | "udp" | "sctp" | null = null;
  let family: "ipv4" | "ipv6" | null = null;
  let scheduler: Service["config"]["scheduler"] = "wlc";
  const flags = new Set<Service["config"]["schedulerFlags"][number]>();
  let onePacket = false;
  let timeout: number | null = null;
  let netmask: string | null = null;
  let pe: "sip" | null = null;
  let fwd: { forwarding: Forwarding; tunnel: Tunnel | null } = { forwarding: "masq", tunnel: null };
  let weight = 1;
  const h: Omit<ServiceHealth, "key" | "realServers"> = { quorum: 1, hysteresis: 0, sorryServer: null };
  let checked = false;
  let sorryInhibit = false;
  let sorryFwd: Forwarding | null = null;
  const rsStatements: Statement[] = [];
  for (const k of body) {
    const kw = k.words[0]!.text;
    if (timing(ctx, k, h as CheckTiming)) continue;
    if (kw === "lb_algo" || kw === "lvs_sched") {
      const name = ctx.arg(k);
      if (!(SCHEDULERS as readonly string[]).includes(name)) ctx.fail(k, k.words[1], `unknown scheduler '${name}'`);
      scheduler = name as typeof scheduler;
    } else if (kw === "lb_kind" || kw === "lvs_method") fwd = method(ctx, k);
    else if (kw === "protocol") {
      const p = ctx.arg(k).toLowerCase();
      if (p !== "tcp" && p !== "udp" && p !== "sctp") ctx.fail(k, k.words[1], `protocol '${k.words[1]!.text}' is not TCP, UDP or SCTP`);
      protocol = p;
    } else if (kw === "ops") onePacket = true;
    else if (FLAGS[kw]) flags.add(FLAGS[kw]);
    else if (kw === "persistence_timeout") timeout = k.words[1] ? ctx.number(k, 1, 1, 2678400) : 360;
    else if (kw === "persistence_granularity") netmask = ctx.arg(k);
    else if (kw === "persistence_engine") {
      if (ctx.arg(k) !== "sip") ctx.fail(k, k.words[1], "the only persistence engine is sip");
      pe = "sip";
    } else if (kw === "ip_family") {
      const f = ctx.arg(k);
      if (f !== "inet" && f !== "inet6") ctx.fail(k, k.words[1], "ip_family is inet or inet6");
      family = f === "inet" ? "ipv4" : "ipv6";
    } else if (kw === "weight") weight = ctx.number(k, 1, 0, 2147483647);
    else if (kw === "quorum") { h.quorum = ctx.number(k, 1, 1, 2147483647); checked = true; }
    else if (kw === "hysteresis") { h.hysteresis = ctx.number(k, 1, 0, 2147483647); checked = true; }
    else if (kw === "inhibit_on_failure") h.inhibitOnFailure = ctx.flag(k);
    else if (kw === "sorry_server") {
      h.sorryServer = { key: { address: ctx.address(k, 1), port: k.words[2] ? ctx.number(k, 2, 0, 65535) : 0 }, forwarding: "masq", inhibit: false };
      checked = true;
    } else if (kw === "sorry_server_inhibit") sorryInhibit = ctx.flag(k);
    else if (kw === "sorry_server_lvs_method") {
      const m = method(ctx, k);
      if (m.tunnel && (m.tunnel.type !== "ipip" || m.tunnel.checksum !== "nocsum")) ctx.unsupported(k, "tunnel options are not supported for a sorry server, ignored");
      sorryFwd = m.forwarding;
    } else if (kw === "real_server") rsStatements.push(k);
    else if (VS_UNSUPPORTED.has(kw)) ctx.unsupported(k);
    else ctx.unknown(k);
  }
  if (h.sorryServer) h.sorryServer = { ...h.sorryServer, inhibit: sorryInhibit, forwarding: sorryFwd ?? fwd.forwarding };
  const rss = rsStatements.map((k) => realServer(ctx, k, { ...fwd, weight }));
  if (rss.some((r) => r.checkers.length > 0)) checked = true;
  // keepalived: an fwmark service's family is ip_family's, else its real servers'
  family ??= rss.length > 0 && ipVersion(rss[0]!.key.address) === 6 ? "ipv6" : "ipv4";
  if (protocol === null && first !== "fwmark") {
    // keepalived's rule (check_data.c): the kernel would take 0 as UDP, so it says UDP
    ctx.warn(s, `Virtual server ${s.words.slice(1).map((w) => w.text).join(" ")}: no protocol set - defaulting to UDP`);
  }
  const proto = protocol ?? "udp";
  if (first === "fwmark") {
    // keepalived clears the ports of an fwmark service's servers (with the same warning)
    for (const r of rss.filter((x) => x.key.port !== 0)) {
      ctx.warn(s, `fwmark virtual server, real server ${r.key.address} has port specified - clearing`);
      r.key = { ...r.key, port: 0 };
    }
    if (h.sorryServer && h.sorryServer.key.port !== 0) {
      ctx.warn(s, "fwmark virtual server, sorry server has port specified - clearing");
      h.sorryServer = { ...h.sorryServer, key: { ...h.sorryServer.key, port: 0 } };
    }
  }
  let keys: ServiceKey[];
  if (first === "group") {
    const g = groups.get(ctx.arg(s, 2));
    if (!g) ctx.fail(s, s.words[2], `no virtual_server_group '${s.words[2]!.text}' (it must come before its use)`);
    keys = g.map((k) => (k.protocol === "fwmark" ? { ...k, family } : { ...k, protocol: proto }));
  } else if (first === "fwmark") {
    keys = [{ protocol: "fwmark", fwmark: ctx.number(s, 2, 1, 0xffffffff), family }];
  } else {
    keys = [{ protocol: proto, address: ctx.address(s, 1), port: s.words[2] ? ctx.number(s, 2, 0, 65535) : 0 }];
  }
  const v6 = keys[0]?.protocol === "fwmark" ? family === "ipv6" : ipVersion((keys[0] as { address: string }).address) === 6;
  const persistence = timeout === null ? null : { timeout, netmask: netmask ?? (v6 ? "128" : "255.255.255.255") };
  const config: Service["config"] = { scheduler, schedulerFlags: [...flags].sort(), persistence, pe, onePacket };
  return keys.map((key) => ({
    service: { key, config, destinations: rss.map((r) => ({ key: r.key, config: r.config })) },
    health: { ...h, key, realServers: rss },
    checked,
  }));
}

/** virtual_server_group NAME { 10.0.0.1 80 | 10.0.0.1-9 80 | fwmark 7 } */
export function virtualServerGroup(ctx: Ctx, s: Statement): ServiceKey[] {
  const out: ServiceKey[] = [];
  for (const e of ctx.block(s)) {
    if (e.words[0]!.text === "fwmark") {
      out.push({ protocol: "fwmark", fwmark: ctx.number(e, 1, 1, 0xffffffff), family: "ipv4" });
      continue;
    }
    const port = e.words[1] ? ctx.number(e, 1, 0, 65535) : 0;
    const m = /^(\d+\.\d+\.\d+\.)(\d+)-(\d+)$/.exec(e.words[0]!.text);
    if (m) {
      const lo = Number(m[2]);
      const hi = Number(m[3]);
      if (hi < lo || hi > 255) ctx.fail(e, e.words[0], `bad address range '${e.words[0]!.text}'`);
      for (let i = lo; i <= hi; i++) out.push({ protocol: "tcp", address: `${m[1]}${i}`, port });
    } else out.push({ protocol: "tcp", address: ctx.address(e, 0), port });
  }
  if (out.length === 0) ctx.fail(s, undefined, "a virtual_server_group needs entries");
  return out;
}
