// keepalived.conf -> { the IPVS table, the health checks, the VRRP spec }. Isomorphic (no
// node: imports): lvsctl, the agent and the dashboard all call it. A keyword we do not carry
// is a warning naming its line; a bad value or a syntax error throws KeepalivedSyntaxError
// (file, line, column) and nothing is returned, so nothing is half-applied.
import { HaSpec } from "../ha.ts";
import { HealthConfig } from "../health.ts";
import { RuleSet } from "../agent/rules.ts";
import type { z } from "zod";
import { Ctx, type KeepalivedWarning } from "./context.ts";
import { type GroupTable, type ParsedService, virtualServer, virtualServerGroup } from "./parse-vs.ts";
import { vrrpInstance } from "./parse-vrrp.ts";
import { type IncludeReader, KeepalivedSyntaxError, type Statement, parseStatements } from "./syntax.ts";

export interface KeepalivedModel {
  rules: RuleSet;
  /** services with checks, a quorum or a sorry server */
  health: HealthConfig;
  ha: HaSpec | null;
}

export interface KeepalivedParsed extends KeepalivedModel {
  warnings: KeepalivedWarning[];
}

const TOP_UNSUPPORTED = new Set([
  "static_ipaddress", "static_routes", "static_rules", "vrrp_script", "vrrp_track_process", "vrrp_track_file",
  "track_file", "linkbeat_use_polling", "net_namespace", "net_namespace_ipvs", "instance", "use_pid_dir", "SSL",
  "garp_group", "bfd_instance", "vrrp_sync_group",
]);
const GLOBAL_UNSUPPORTED = new Set([
  "notification_email", "notification_email_from", "smtp_server", "smtp_connect_timeout",
  "script_user", "vrrp_skip_check_adv_addr", "vrrp_strict", "vrrp_garp_interval", "vrrp_gna_interval", "lvs_id",
  "max_auto_priority", "checker_log_all_failures", "dynamic_interfaces", "lvs_sync_daemon",
]);

function zodAt<T>(ctx: Ctx, s: Statement | undefined, schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const msg = `${what}: ${issue.path.join(".") || "value"}: ${issue.message}`;
  if (s) ctx.fail(s, undefined, msg);
  throw new KeepalivedSyntaxError("keepalived.conf", 1, 1, msg);
}

export function parseKeepalived(text: string, options: { file?: string; read?: IncludeReader } = {}): KeepalivedParsed {
  const file = options.file ?? "keepalived.conf";
  const ctx = new Ctx();
  const statements = parseStatements(text, file, options.read);
  const groups: GroupTable = new Map();
  const services: { parsed: ParsedService; at: Statement }[] = [];
  const instances: { v: unknown; at: Statement }[] = [];
  let routerId: string | undefined;
  for (const s of statements) {
    const kw = s.words[0]!.text;
    if (kw === "virtual_server") for (const p of virtualServer(ctx, s, groups)) services.push({ parsed: p, at: s });
    else if (kw === "virtual_server_group") groups.set(ctx.arg(s), virtualServerGroup(ctx, s));
    else if (kw === "vrrp_instance") instances.push({ v: vrrpInstance(ctx, s), at: s });
    else if (kw === "global_defs") {
      for (const g of s.block ?? []) {
        const gk = g.words[0]!.text;
        if (gk === "router_id") routerId = ctx.arg(g);
        else if (gk === "enable_script_security") continue; // what lvs-fleet always does: no shell, a set user
        else if (GLOBAL_UNSUPPORTED.has(gk)) ctx.unsupported(g);
        else ctx.unknown(g);
      }
    } else if (TOP_UNSUPPORTED.has(kw)) ctx.unsupported(s, kw === "vrrp_sync_group" ? "implied: all vrrp_instances move together" : undefined);
    else ctx.unknown(s);
  }
  const seen = new Set<string>();
  for (const { parsed, at } of services) {
    const id = JSON.stringify(parsed.service.key);
    if (seen.has(id)) ctx.fail(at, undefined, "this virtual_server is defined twice");
    seen.add(id);
  }
  for (const { parsed, at } of services) {
    zodAt(ctx, at, RuleSet, { services: [parsed.service] }, "virtual_server");
    zodAt(ctx, at, HealthConfig, { services: [parsed.health] }, "virtual_server");
  }
  const rules = RuleSet.parse({ services: services.map((s) => s.parsed.service) });
  const health = HealthConfig.parse({ services: services.filter((s) => s.parsed.checked).map((s) => s.parsed.health) });
  let ha: HaSpec | null = null;
  if (instances.length > 0) {
    for (const i of instances) zodAt(ctx, i.at, HaSpec, { instances: [i.v] }, "vrrp_instance");
    ha = zodAt(ctx, instances[0]!.at, HaSpec, { ...(routerId ? { routerId } : {}), instances: instances.map((i) => i.v) }, "vrrp_instance");
  }
  return { rules, health, ha, warnings: ctx.warnings };
}

export { KeepalivedSyntaxError } from "./syntax.ts";
export type { KeepalivedWarning } from "./context.ts";
