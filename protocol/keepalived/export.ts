// { table, checks, VRRP spec } -> keepalived.conf text that keepalived 2.2 accepts and
// parseKeepalived reads back to the same model. What keepalived cannot say (local or bypass
// forwarding) is refused with a KeepalivedExportError naming the service, never written wrong.
import type { VrrpInstanceSpec } from "../ha.ts";
import type { Checker, CheckTiming, RealServerHealth, ServiceHealth } from "../health.ts";
import type { Destination, DestinationConfig, Forwarding, Service, ServiceKey } from "../ipvs.ts";
import type { KeepalivedModel } from "./parse.ts";

export class KeepalivedExportError extends Error {
  override readonly name = "KeepalivedExportError";
}

const METHOD: Partial<Record<Forwarding, string>> = { masq: "NAT", route: "DR", tunnel: "TUN" };
const keyId = (k: ServiceKey) => JSON.stringify(k);
const destId = (d: { address: string; port: number }) => `${d.address}|${d.port}`;

function methodText(c: Pick<DestinationConfig, "forwarding" | "tunnel">, where: string): string {
  const m = METHOD[c.forwarding];
  if (!m) throw new KeepalivedExportError(`${where}: keepalived has no forwarding method for '${c.forwarding}'`);
  if (c.forwarding !== "tunnel" || !c.tunnel) return m;
  const t = c.tunnel;
  return `TUN type ${t.type}${t.type === "gue" ? ` port ${t.port}` : ""}${t.checksum === "nocsum" ? "" : ` ${t.checksum}`}`;
}

function timingLines(t: CheckTiming): string[] {
  const out: string[] = [];
  if (t.delayLoop !== undefined) out.push(`delay_loop ${t.delayLoop}`);
  if (t.connectTimeout !== undefined) out.push(`connect_timeout ${t.connectTimeout}`);
  if (t.retry !== undefined) out.push(`retry ${t.retry}`);
  if (t.delayBeforeRetry !== undefined) out.push(`delay_before_retry ${t.delayBeforeRetry}`);
  if (t.warmup !== undefined) out.push(`warmup ${t.warmup}`);
  if (t.alpha !== undefined) out.push(t.alpha ? "alpha" : "alpha false");
  return out;
}

const quote = (s: string) => (/^[^\s"#!{}]+$/.test(s) ? s : `"${s}"`);

function checkerLines(c: Checker): string[] {
  const body = timingLines(c);
  if (c.kind !== "MISC_CHECK") {
    if (c.connectIp) body.push(`connect_ip ${c.connectIp}`);
    if (c.connectPort !== undefined) body.push(`connect_port ${c.connectPort}`);
    if (c.bindto) body.push(`bindto ${c.bindto}`);
  }
  if (c.kind === "HTTP_GET" || c.kind === "SSL_GET") {
    if (c.virtualhost) body.push(`virtualhost ${c.virtualhost}`);
    for (const u of c.urls) {
      const ul = [`path ${quote(u.path)}`];
      if (u.digest) ul.push(`digest ${u.digest}`);
      if (u.statusCode) ul.push(`status_code ${u.statusCode.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(" ")}`);
      if (u.virtualhost) ul.push(`virtualhost ${u.virtualhost}`);
      if (u.regex) ul.push(`regex "${u.regex}"`);
      body.push("url {", ...ul.map((l) => `    ${l}`), "}");
    }
  } else if (c.kind === "DNS_CHECK") {
    body.push(`type ${c.type}`, `name ${c.name}`);
  } else if (c.kind === "MISC_CHECK") {
    body.push(`misc_path "${c.miscPath.map((a) => (/[\s"]/.test(a) ? `'${a}'` : a)).join(" ")}"`);
    if (c.miscTimeout !== undefined) body.push(`misc_timeout ${c.miscTimeout}`);
    body.push(`user ${c.user}`);
  }
  return [`${c.kind} {`, ...body.map((l) => `    ${l}`), "}"];
}

function vsHeader(k: ServiceKey): string {
  return k.protocol === "fwmark" ? `virtual_server fwmark ${k.fwmark}` : `virtual_server ${k.address} ${k.port}`;
}

function serviceLines(s: Service & { destinations: Destination[] }, h: ServiceHealth | undefined): string[] {
  const where = vsHeader(s.key);
  const c = s.config;
  const body: string[] = [];
  if (h) body.push(...timingLines(h));
  if (c.scheduler === "none") throw new KeepalivedExportError(`${where}: keepalived needs a scheduler`);
  body.push(`lb_algo ${c.scheduler}`);
  const first = s.destinations[0]?.config ?? { forwarding: "masq" as const, tunnel: null };
  const vsMethod = methodText(first, where);
  body.push(`lb_kind ${vsMethod}`);
  if (s.key.protocol !== "fwmark") body.push(`protocol ${s.key.protocol.toUpperCase()}`);
  else if (s.key.family === "ipv6") body.push("ip_family inet6");
  if (c.persistence) body.push(`persistence_timeout ${c.persistence.timeout}`, `persistence_granularity ${c.persistence.netmask}`);
  if (c.pe) body.push(`persistence_engine ${c.pe}`);
  if (c.onePacket) body.push("ops");
  for (const f of c.schedulerFlags) body.push(c.scheduler === "sh" || c.scheduler === "mh" ? (f === "flag-1" ? `${c.scheduler}-fallback` : f === "flag-2" ? `${c.scheduler}-port` : f) : f);
  if (h) {
    if (h.inhibitOnFailure !== undefined) body.push(h.inhibitOnFailure ? "inhibit_on_failure" : "inhibit_on_failure false");
    if (h.quorum !== 1) body.push(`quorum ${h.quorum}`);
    if (h.hysteresis !== 0) body.push(`hysteresis ${h.hysteresis}`);
    if (h.sorryServer) {
      body.push(`sorry_server ${h.sorryServer.key.address} ${h.sorryServer.key.port}`);
      if (h.sorryServer.inhibit) body.push("sorry_server_inhibit");
      body.push(`sorry_server_lvs_method ${methodText({ forwarding: h.sorryServer.forwarding, tunnel: null }, where)}`);
    }
  }
  const checks = new Map<string, RealServerHealth>((h?.realServers ?? []).map((r) => [destId(r.key), r]));
  for (const d of s.destinations) {
    const r = checks.get(destId(d.key));
    const rb = [`weight ${d.config.weight}`];
    const m = methodText(d.config, `${where} real_server ${d.key.address}`);
    if (m !== vsMethod) rb.push(`lvs_method ${m}`);
    if (d.config.upperThreshold) rb.push(`uthreshold ${d.config.upperThreshold}`);
    if (d.config.lowerThreshold) rb.push(`lthreshold ${d.config.lowerThreshold}`);
    if (r) {
      if (r.inhibitOnFailure !== undefined) rb.push(r.inhibitOnFailure ? "inhibit_on_failure" : "inhibit_on_failure false");
      rb.push(...timingLines(r));
      for (const ch of r.checkers) rb.push(...checkerLines(ch));
    }
    body.push(`real_server ${d.key.address} ${d.key.port} {`, ...rb.map((l) => `    ${l}`), "}");
  }
  return [`${where} {`, ...body.map((l) => `    ${l}`), "}"];
}

function instanceLines(i: VrrpInstanceSpec): string[] {
  const b = [`state ${i.initialState}`, `interface ${i.interface}`, `virtual_router_id ${i.virtualRouterId}`, `priority ${i.priority}`, `advert_int ${i.advertInt}`];
  if (!i.preempt) b.push("nopreempt");
  if (i.preemptDelay !== undefined) b.push(`preempt_delay ${i.preemptDelay}`);
  if (i.authentication) b.push("authentication {", `    auth_type ${i.authentication.type}`, `    auth_pass ${i.authentication.password}`, "}");
  if (i.unicastSrcIp) b.push(`unicast_src_ip ${i.unicastSrcIp}`);
  if (i.unicastPeers.length) b.push("unicast_peer {", ...i.unicastPeers.map((p) => `    ${p}`), "}");
  if (i.trackInterfaces.length) b.push("track_interface {", ...i.trackInterfaces.map((p) => `    ${p}`), "}");
  b.push("virtual_ipaddress {", ...i.virtualIpAddresses.map((v) => `    ${v.address}${v.prefix !== undefined ? `/${v.prefix}` : ""}${v.dev ? ` dev ${v.dev}` : ""}`), "}");
  return [`vrrp_instance ${i.name} {`, ...b.map((l) => `    ${l}`), "}"];
}

export function exportKeepalived(m: KeepalivedModel): string {
  const health = new Map(m.health.services.map((h) => [keyId(h.key), h]));
  const out: string[] = ["# written by lvs-fleet"];
  // keepalived runs no script check without script security; ours always run without a shell
  const scripts = m.health.services.some((s) => s.realServers.some((r) => r.checkers.some((c) => c.kind === "MISC_CHECK")));
  const globals = [...(m.ha?.routerId ? [`router_id ${m.ha.routerId}`] : []), ...(scripts ? ["enable_script_security"] : [])];
  if (globals.length) out.push("global_defs {", ...globals.map((g) => `    ${g}`), "}");
  for (const i of m.ha?.instances ?? []) out.push(...instanceLines(i));
  for (const s of m.rules.services) out.push(...serviceLines(s, health.get(keyId(s.key))));
  return `${out.join("\n")}\n`;
}
