// `ipvsadm -S -n` output and `ipvsadm -R` input.
//
// Format: exactly ipvsadm 1.31's rule lines (thresholds, timeouts and daemons are not saved;
// -M only when not /32 or /128; --pe and -o and -b after -p). Order: ipvsadm's own sort
// (sort.ts) applied to the input order, which must be the kernel's dump order to match
// ipvsadm line for line; pass sort: false for --nosort semantics.
//
// Parse: one command per line, split on spaces and tabs, tokens exactly "ipvsadm" dropped,
// blank lines skipped. Unlike `ipvsadm -R` (which stops at a "#" line) we accept lines whose
// first non-blank character is "#" as comments, as the ipvsadm-restore wrapper strips them.
// Every bad line is reported with its 1-based number; nothing is applied by parsing.
import { addrPort } from "./addr.ts";
import { parseIpvsadmArgs } from "./args.ts";
import { isRuleCommand, IpvsadmUsageError, type RuleCommand } from "./command.ts";
import {
  fwdSwitch,
  isV6Key,
  ruleServiceName,
  schedFlagNames,
  type ServiceRules,
  tunnelOf,
} from "./names.ts";
import { asIpvsadmSees, type MaybeUnknownScheduler } from "./scheduler-name.ts";
import { sortDestinationsLikeIpvsadm, sortServicesLikeIpvsadm } from "./sort.ts";
import type { Destination, Service } from "../ipvs.ts";

export interface SaveOptions {
  /** ipvsadm's default sort (true) or the input order (false, like --nosort) */
  sort?: boolean;
  /** also write -x/-y when nonzero (not ipvsadm's output; used by our own save file) */
  thresholds?: boolean;
}

/** A listed service (`unknownScheduler`, see scheduler-name.ts) prints its kernel scheduler name. */
export function formatServiceRule(listed: MaybeUnknownScheduler<Service>): string {
  const svc = asIpvsadmSees(listed);
  const c = svc.config;
  let line = `-A ${ruleServiceName(svc.key)} -s ${c.scheduler}`;
  if (c.persistence) {
    line += ` -p ${c.persistence.timeout}`;
    const full = isV6Key(svc.key) ? "128" : "255.255.255.255";
    if (c.persistence.netmask !== full) line += ` -M ${c.persistence.netmask}`;
  }
  if (c.pe) line += ` --pe ${c.pe}`;
  if (c.onePacket) line += " -o";
  if (c.schedulerFlags.length > 0) line += ` -b ${schedFlagNames(svc)}`;
  return line;
}

const CSUM_OPT = { nocsum: "--tun-nocsum", csum: "--tun-csum", remcsum: "--tun-remcsum" } as const;

export function formatDestinationRule(svc: Service, d: Destination, opts: SaveOptions = {}): string {
  const c = d.config;
  let line = `-a ${ruleServiceName(svc.key)} -r ${addrPort(d.key.address, d.key.port)} ${fwdSwitch(c.forwarding)} -w ${c.weight}`;
  if (c.forwarding === "tunnel") {
    const t = tunnelOf(d);
    line += ` --tun-type ${t.type}`;
    if (t.type === "gue") line += ` --tun-port ${t.port} ${CSUM_OPT[t.checksum]}`;
    if (t.type === "gre") line += ` ${CSUM_OPT[t.checksum]}`;
  }
  if (opts.thresholds && (c.upperThreshold || c.lowerThreshold))
    line += ` -x ${c.upperThreshold} -y ${c.lowerThreshold}`;
  return line;
}

/** The whole `ipvsadm -S -n` text, one "\n"-terminated line per rule. */
export function formatSave(services: readonly MaybeUnknownScheduler<ServiceRules>[], opts: SaveOptions = {}): string {
  const sort = opts.sort ?? true;
  const out: string[] = [];
  for (const svc of sort ? sortServicesLikeIpvsadm(services) : services) {
    out.push(formatServiceRule(svc));
    const dests = sort ? sortDestinationsLikeIpvsadm(svc.destinations) : svc.destinations;
    for (const d of dests) out.push(formatDestinationRule(svc, d, opts));
  }
  return out.map((l) => l + "\n").join("");
}

export interface RuleLine {
  /** 1-based line number in the input */
  line: number;
  text: string;
  command: RuleCommand;
}

export interface RuleLineError {
  line: number;
  text: string;
  message: string;
  exitCode: 2 | 255;
}

export interface ParsedRules {
  operations: RuleLine[];
  errors: RuleLineError[];
}

export function tokenizeRuleLine(text: string): string[] {
  return text.split(/[ \t]+/).filter((t) => t !== "" && t !== "ipvsadm");
}

export function parseRestore(input: string): ParsedRules {
  const operations: RuleLine[] = [];
  const errors: RuleLineError[] = [];
  input.split("\n").forEach((raw, i) => {
    const text = raw.replace(/\r$/, "");
    if (/^[ \t]*#/.test(text)) return;
    const tokens = tokenizeRuleLine(text);
    if (tokens.length === 0) return;
    try {
      const command = parseIpvsadmArgs(tokens);
      if (!isRuleCommand(command))
        throw new IpvsadmUsageError(`'${tokens[0]}' does not change rules and is not allowed in a rule set`);
      operations.push({ line: i + 1, text, command });
    } catch (e) {
      if (!(e instanceof IpvsadmUsageError)) throw e;
      errors.push({ line: i + 1, text, message: e.message, exitCode: e.exitCode });
    }
  });
  return { operations, errors };
}
