// Parser of ipvsadm's command line into a typed command (command.ts), with ipvsadm 1.31's
// checks, defaults and messages (Debian build: weights up to INT_MAX). Options are processed
// in the order given, like ipvsadm, so the first offending option is the one reported.
import { isMulticast } from "./addr.ts";
import type { CmdName, OptName } from "./args-checks.ts";
import {
  INT_MAX,
  addrPortOrFail,
  fwmarkOrFail,
  timeoutOrFail,
  toNumber,
  v4NetmaskOrFail,
  v6PrefixOrFail,
} from "./args-values.ts";
import { type IpvsadmCommand, IpvsadmUsageError } from "./command.ts";
import { buildCommand } from "./args-build.ts";
import { finishParse } from "./args-finish.ts";
import { type ScanItem, scanArgs } from "./options.ts";
import { type ParseState, initialState } from "./parse-state.ts";

export const TRY_HELP = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.";

const COMMAND_OPTS: Record<string, CmdName> = {
  "add-service": "add-service", "edit-service": "edit-service", "delete-service": "delete-service",
  clear: "flush", list: "list", zero: "zero", "add-server": "add-server",
  "edit-server": "edit-server", "delete-server": "delete-server", set: "set",
  restore: "restore", save: "save", "start-daemon": "start-daemon", "stop-daemon": "stop-daemon",
};

function setOption(st: ParseState, opt: OptName): void {
  if (st.given.has(opt)) throw new IpvsadmUsageError(`multiple '${opt}' options specified`);
  st.given.add(opt);
}

function numberOrFail(value: string, min: number, max: number, what: string): number {
  const n = toNumber(value, min, max);
  if (n === null) throw new IpvsadmUsageError(`illegal ${what} specified`);
  return n;
}

/** One option after the command: ipvsadm's big switch. */
function applyOption(st: ParseState, name: string, value: string | null): void {
  const v = value ?? "";
  switch (name) {
    case "tcp-service":
    case "udp-service":
    case "sctp-service": {
      setOption(st, "service-address");
      st.protocol = name === "tcp-service" ? "tcp" : name === "udp-service" ? "udp" : "sctp";
      const a = addrPortOrFail(v, "virtual");
      st.family = a.family;
      st.address = a.address;
      st.port = a.port ?? 0;
      if (a.family === 6) st.netmask = "128";
      return;
    }
    case "fwmark-service":
      setOption(st, "service-address");
      st.family = 4;
      st.protocol = null;
      st.fwmark = fwmarkOrFail(v);
      return;
    case "scheduler":
      setOption(st, "scheduler");
      st.scheduler = v.slice(0, 15);
      return;
    case "persistent":
      setOption(st, "persistent");
      st.persistent = value === null ? 360 : timeoutOrFail(value, 1);
      return;
    case "netmask":
      setOption(st, "netmask");
      st.netmask = st.family === 6 ? v6PrefixOrFail(v) : v4NetmaskOrFail(v);
      return;
    case "real-server": {
      setOption(st, "real-server");
      const a = addrPortOrFail(v, "real");
      // a missing port copies the service port as known at this point, like ipvsadm
      st.dest = { family: a.family, address: a.address, port: a.port ?? st.port };
      return;
    }
    case "ipip":
    case "gatewaying":
    case "masquerading":
      setOption(st, "forwarding-method");
      st.forwarding = name === "ipip" ? "tunnel" : name === "gatewaying" ? "route" : "masq";
      return;
    case "weight":
      setOption(st, "weight");
      st.weight = numberOrFail(v, 0, INT_MAX, "weight");
      return;
    case "u-threshold":
      setOption(st, "u-threshold");
      st.upper = numberOrFail(v, 0, INT_MAX, "u_threshold");
      return;
    case "l-threshold":
      setOption(st, "l-threshold");
      st.lower = numberOrFail(v, 0, INT_MAX, "l_threshold");
      return;
    case "mcast-interface":
      setOption(st, "mcast-interface");
      st.mcastInterface = v.slice(0, 15);
      return;
    case "syncid":
      setOption(st, "syncid");
      st.syncId = numberOrFail(v, 0, 255, "syncid");
      return;
    case "ipv6":
      if (!st.fwmark) throw new IpvsadmUsageError("-6 used before -f");
      st.family = 6;
      st.netmask = "128";
      return;
    case "ops":
      setOption(st, "ops");
      st.onePacket = true;
      return;
    case "pe":
      setOption(st, "pe");
      st.pe = v;
      return;
    case "sched-flags":
      setOption(st, "sched-flags");
      st.schedFlagsArg = v;
      return;
    case "mcast-group":
      setOption(st, "mcast-group");
      if (!isMulticast(v))
        throw new IpvsadmUsageError(`invalid IPv${v.includes(":") ? 6 : 4} mcast-group \`${v}'`);
      st.mcastGroup = v;
      return;
    case "mcast-port":
      setOption(st, "mcast-port");
      st.mcastPort = numberOrFail(v, 1, 65535, "mcast-port");
      return;
    case "mcast-ttl":
      setOption(st, "mcast-ttl");
      st.mcastTtl = numberOrFail(v, 1, 255, "mcast-ttl");
      return;
    case "sync-maxlen":
      setOption(st, "sync-maxlen");
      st.syncMaxLen = numberOrFail(v, 1, 65535 - 20 - 8, "sync-maxlen");
      return;
    case "tun-type":
      setOption(st, "tun-type");
      if (v !== "ipip" && v !== "gue" && v !== "gre")
        throw new IpvsadmUsageError("illegal tunnel type specified");
      st.tunType = v;
      return;
    case "tun-port":
      setOption(st, "tun-port");
      st.tunPort = numberOrFail(v, 1, 65535, "tunnel port");
      return;
    case "tun-nocsum":
    case "tun-csum":
    case "tun-remcsum":
      setOption(st, name);
      st.tunChecksum = name === "tun-nocsum" ? "nocsum" : name === "tun-csum" ? "csum" : "remcsum";
      return;
    case "sort":
      return; // a no-op kept for compatibility, as in ipvsadm
    default: {
      const plain: Record<string, OptName> = {
        numeric: "numeric", connection: "connection", timeout: "timeout", daemon: "daemon",
        stats: "stats", rate: "rate", thresholds: "thresholds",
        "persistent-conn": "persistent-conn", nosort: "nosort", exact: "exact", "tun-info": "tun-info",
      };
      const opt = plain[name];
      if (opt) {
        setOption(st, opt);
        return;
      }
      // a second command word
      if (COMMAND_OPTS[name] || name === "help" || name === "version")
        throw new IpvsadmUsageError("multiple commands specified");
      throw new IpvsadmUsageError(`invalid option \`${name}'`);
    }
  }
}

/** Parse one ipvsadm command line (without the program name). Throws IpvsadmUsageError. */
export function parseIpvsadmArgs(argv: readonly string[]): IpvsadmCommand {
  const st = initialState();
  if (argv.length === 0) {
    return { kind: "list", service: null, format: { view: "default", exact: false, nosort: false, numeric: false } };
  }
  let first = true;
  const items = scanArgs(argv);
  for (;;) {
    let next: IteratorResult<ScanItem>;
    try {
      next = items.next();
    } catch (e) {
      // popt failing before the command was read ends in ipvsadm's "Try ..." line
      if (first) throw new IpvsadmUsageError(TRY_HELP, 255);
      throw e;
    }
    if (next.done) break;
    const item = next.value;
    if (item.type === "operand") {
      st.operands.push(item.value);
      continue;
    }
    if (first) {
      first = false;
      if (item.name === "help") return { kind: "help" };
      if (item.name === "version") return { kind: "version" };
      const cmd = COMMAND_OPTS[item.name];
      if (!cmd) throw new IpvsadmUsageError(TRY_HELP, 255);
      st.cmd = cmd;
      if (cmd === "start-daemon" || cmd === "stop-daemon") {
        if (item.value !== "master" && item.value !== "backup")
          throw new IpvsadmUsageError(
            cmd === "start-daemon" ? "illegal start-daemon parameter specified" : "illegal start_daemon specified",
          );
        st.daemonState = item.value;
      }
      continue;
    }
    applyOption(st, item.name, item.value);
  }
  if (st.cmd === null) throw new IpvsadmUsageError(TRY_HELP, 255);
  finishParse(st);
  return buildCommand(st);
}
