// The keepalived format of rules.import / rules.export / rules.diff: the text is parsed here
// (protocol/keepalived/), its table goes the way of a JSON rule set, and its checks go to the
// health manager once the table is applied. Export writes the live table with the checks; a
// real server health took out of the table is written from its intent, so nothing is lost.
import type { HealthConfig } from "@/protocol/health.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { KeepalivedExportError, exportKeepalived } from "@/protocol/keepalived/export.ts";
import { type KeepalivedParsed, KeepalivedSyntaxError, parseKeepalived } from "@/protocol/keepalived/parse.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { LineProblem } from "./plan.ts";

export type KeepalivedSource = { format: "keepalived"; text: string; files?: Record<string, string> | undefined };

export function parseKeepalivedSource(source: KeepalivedSource): { parsed: KeepalivedParsed | null; problem: LineProblem | null } {
  const files = source.files ?? {};
  try {
    const parsed = parseKeepalived(source.text, { read: (path) => (Object.hasOwn(files, path) ? files[path]! : null) });
    return { parsed, problem: null };
  } catch (e) {
    if (!(e instanceof KeepalivedSyntaxError)) throw e;
    return { parsed: null, problem: { line: e.line, text: "", message: e.message } };
  }
}

/** The warnings as rules.import reports them; those of included files keep their file name in the text. */
export function importWarnings(p: KeepalivedParsed, health: boolean): { line?: number; message: string }[] {
  const out: { line?: number; message: string }[] = p.warnings.map((w) => ({ line: w.line, message: w.message }));
  if (p.ha) out.push({ message: "vrrp_instance blocks are not applied by a rules import: set them as the HA group's VRRP settings (ha.configure)" });
  if (!health && p.health.services.length > 0) out.push({ message: "this agent runs no health checks: the checks were not applied" });
  return out;
}

/** The live table plus every checked real server health keeps out of it, then the text. */
export function exportWithChecks(live: ServiceRules[], health: HealthConfig | null): string {
  const services = live.map((s) => ({ ...s, destinations: [...s.destinations] }));
  const byKey = new Map(services.map((s) => [JSON.stringify(s.key), s]));
  for (const h of health?.services ?? []) {
    const s = byKey.get(JSON.stringify(h.key));
    if (!s) continue;
    for (const r of h.realServers)
      if (!s.destinations.some((d) => d.key.address === r.key.address && d.key.port === r.key.port)) s.destinations.push({ key: r.key, config: r.config });
  }
  const kept = new Set(services.map((s) => JSON.stringify(s.key)));
  const checks = { services: (health?.services ?? []).filter((h) => kept.has(JSON.stringify(h.key))) };
  try {
    return exportKeepalived({ rules: { services }, health: checks, ha: null });
  } catch (e) {
    if (e instanceof KeepalivedExportError) throw new ProtocolError("bad_request", e.message);
    throw e;
  }
}
