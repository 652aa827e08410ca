// vrrp_instance blocks into protocol/ha.ts's VrrpInstanceSpec (the HA work renders them back
// for keepalived); global_defs' router_id into HaSpec.routerId.
import type { VirtualIp, VrrpInstanceSpecInput } from "../ha.ts";
import type { Ctx } from "./context.ts";
import type { Statement } from "./syntax.ts";

const VRRP_UNSUPPORTED = new Set([
  "notify", "notify_master", "notify_backup", "notify_fault", "notify_stop", "garp_master_delay", "garp_master_repeat",
  "garp_master_refresh", "virtual_routes", "virtual_rules", "track_script", "track_process", "track_file", "smtp_alert",
  "dont_track_primary", "version", "use_vmac", "vmac_xmit_base", "native_ipv6", "accept", "no_accept", "strict_mode",
  "mcast_src_ip", "lvs_sync_daemon_interface", "virtual_ipaddress_excluded", "debug", "skip_check_adv_addr",
]);

function vip(ctx: Ctx, s: Statement): VirtualIp {
  const [addr, prefix] = ctx.arg(s, 0).split("/");
  const v: VirtualIp = { address: addr! };
  ctx.address({ ...s, words: [{ ...s.words[0]!, text: addr! }] }, 0);
  if (prefix !== undefined) {
    const n = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || n > 128) ctx.fail(s, s.words[0], `bad prefix length '/${prefix}'`);
    v.prefix = n;
  }
  for (let i = 1; i < s.words.length; i++) {
    const w = s.words[i]!.text;
    if (w === "dev") v.dev = ctx.arg(s, ++i);
    else if (w === "label" || w === "scope" || w === "brd" || w === "broadcast") {
      ctx.warn(s, `virtual_ipaddress option '${w}' is not supported, ignored`);
      i++;
    } else ctx.warn(s, `virtual_ipaddress option '${w}' is not supported, ignored`);
  }
  return v;
}

export function vrrpInstance(ctx: Ctx, s: Statement): VrrpInstanceSpecInput {
  const inst: Record<string, unknown> = { name: ctx.arg(s), virtualIpAddresses: [] };
  for (const k of ctx.block(s)) {
    const kw = k.words[0]!.text;
    if (kw === "state") {
      const st = ctx.arg(k).toUpperCase();
      if (st !== "MASTER" && st !== "BACKUP") ctx.fail(k, k.words[1], "state is MASTER or BACKUP");
      inst.initialState = st;
    } else if (kw === "interface") inst.interface = ctx.arg(k);
    else if (kw === "virtual_router_id") inst.virtualRouterId = ctx.number(k, 1, 1, 255);
    else if (kw === "priority") inst.priority = ctx.number(k, 1, 1, 255);
    else if (kw === "advert_int") inst.advertInt = ctx.number(k, 1, 0.01, 255, false);
    else if (kw === "nopreempt") inst.preempt = false;
    else if (kw === "preempt_delay") inst.preemptDelay = ctx.number(k, 1, 0, 1000);
    else if (kw === "unicast_src_ip") inst.unicastSrcIp = ctx.address(k, 1);
    else if (kw === "unicast_peer") inst.unicastPeers = ctx.block(k).map((p) => ctx.address(p, 0));
    else if (kw === "track_interface") inst.trackInterfaces = ctx.block(k).map((p) => ctx.arg(p, 0));
    else if (kw === "virtual_ipaddress") inst.virtualIpAddresses = ctx.block(k).map((p) => vip(ctx, p));
    else if (kw === "authentication") {
      const a: Record<string, string> = {};
      for (const x of ctx.block(k)) {
        if (x.words[0]!.text === "auth_type") a.type = ctx.arg(x).toUpperCase();
        else if (x.words[0]!.text === "auth_pass") a.password = ctx.arg(x);
        else ctx.unknown(x);
      }
      inst.authentication = a;
    } else if (VRRP_UNSUPPORTED.has(kw)) ctx.unsupported(k);
    else ctx.unknown(k);
  }
  return inst as unknown as VrrpInstanceSpecInput;
}
