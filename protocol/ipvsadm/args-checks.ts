// ipvsadm's tables of which options each command needs, allows or forbids, and which options
// each tunnel type takes, with its exact messages.
import { IpvsadmUsageError } from "./command.ts";

/** ipvsadm's option names, in its bit order (the order of the checks and of the messages). */
export const OPT_NAMES = [
  "numeric", "connection", "service-address", "scheduler", "persistent", "netmask",
  "real-server", "forwarding-method", "weight", "u-threshold", "l-threshold",
  "mcast-interface", "timeout", "daemon", "stats", "rate", "thresholds", "persistent-conn",
  "nosort", "syncid", "exact", "ops", "pe", "sched-flags", "mcast-group", "mcast-port",
  "mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum", "tun-csum",
  "tun-remcsum",
] as const;
export type OptName = (typeof OPT_NAMES)[number];

export const CMD_NAMES = [
  "add-service", "edit-service", "delete-service", "flush", "list", "add-server",
  "delete-server", "edit-server", "set", "start-daemon", "stop-daemon", "restore", "save",
  "zero",
] as const;
export type CmdName = (typeof CMD_NAMES)[number];

// One character per option above: '+' required, 'x' illegal, '1' at most one of them, ' ' optional.
const x = (n: number) => "x".repeat(n);
const sp = (n: number) => " ".repeat(n);
const TABLE: Record<CmdName, string> = {
  "add-service": "xx+" + sp(3) + x(15) + sp(3) + x(10),
  "edit-service": "xx+" + sp(3) + x(15) + sp(3) + x(10),
  "delete-service": "xx+" + x(31),
  flush: x(34),
  list: " 11" + x(9) + "11" + sp(7) + x(7) + " " + x(5),
  "add-server": "xx+xxx+" + sp(4) + x(18) + sp(5),
  "delete-server": "xx+xxx+" + x(27),
  "edit-server": "xx+xxx+" + sp(4) + x(18) + sp(5),
  set: x(34),
  "start-daemon": x(11) + " " + x(7) + " " + x(4) + sp(4) + x(6),
  "stop-daemon": x(19) + " " + x(14),
  restore: x(34),
  save: " " + x(33),
  zero: "xx " + x(31),
};

/** generic_opt_check: walk the options in bit order, failing on the first violation. */
export function checkCommandOptions(cmd: CmdName, given: ReadonlySet<OptName>): void {
  const row = TABLE[cmd];
  let first: OptName | null = null;
  OPT_NAMES.forEach((opt, j) => {
    const rule = row[j];
    if (!given.has(opt)) {
      if (rule === "+")
        throw new IpvsadmUsageError(`You need to supply the '${opt}' option for the '${cmd}' command`);
      return;
    }
    if (rule === "x") throw new IpvsadmUsageError(`Illegal '${opt}' option with the '${cmd}' command`);
    if (rule === "1") {
      if (first === null) first = opt;
      else
        throw new IpvsadmUsageError(
          `The option '${opt}' conflicts with the '${first}' option in the '${cmd}' command`,
        );
    }
  });
}

export type TunnelTypeName = "ipip" | "gue" | "gre";
const TUN_OPTS = ["tun-port", "tun-nocsum", "tun-csum", "tun-remcsum"] as const;
const TUN_TABLE: Record<TunnelTypeName, string> = { ipip: "xxxx", gue: "+111", gre: "x11x" };

/** tunnel_opt_check: which tunnel options go with the chosen (or default ipip) type. */
export function checkTunnelOptions(type: TunnelTypeName, given: ReadonlySet<OptName>): void {
  const row = TUN_TABLE[type];
  let first: string | null = null;
  TUN_OPTS.forEach((opt, j) => {
    const rule = row[j];
    if (!given.has(opt)) {
      if (rule === "+")
        throw new IpvsadmUsageError(`You need to supply the '${opt}' option for the '${type}' tunnel type`);
      return;
    }
    if (rule === "x") throw new IpvsadmUsageError(`Illegal '${opt}' option with the '${type}' tunnel type`);
    if (rule === "1") {
      if (first === null) first = opt;
      else
        throw new IpvsadmUsageError(
          `The option '${opt}' conflicts with the '${first}' option in the '${type}' tunnel type`,
        );
    }
  });
}

/** parse_sched_flags: sh-* and mh-* only with their scheduler; the default scheduler is wlc. */
export function schedFlagBits(scheduler: string | null, arg: string): number {
  const sched = scheduler || "wlc";
  const names = arg.split(",").filter((f) => f !== "");
  if (names.length === 0) throw new IpvsadmUsageError(`invalid scheduler flag \`${arg}'`);
  let bits = 0;
  for (const flag of names) {
    const generic = { "flag-1": 1, "flag-2": 2, "flag-3": 4 }[flag];
    const special = { "sh-fallback": ["sh", 1], "sh-port": ["sh", 2], "mh-fallback": ["mh", 1], "mh-port": ["mh", 2] }[flag] as
      | [string, number]
      | undefined;
    if (generic !== undefined) bits |= generic;
    else if (special) {
      bits |= special[1];
      if (sched !== special[0]) throw new IpvsadmUsageError(`incompatible scheduler flag \`${flag}'`);
    } else throw new IpvsadmUsageError(`invalid scheduler flag \`${flag}'`);
  }
  return bits;
}
