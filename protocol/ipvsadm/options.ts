// ipvsadm's option table and a scanner that splits argv the way popt does for it: short
// clusters (-Ln, -p600), long options with "=" or a separate value, optional values (-p takes
// the next word unless it starts with "-"), and "--" ending the options.
import { IpvsadmUsageError } from "./command.ts";

export type ArgKind = "none" | "required" | "optional";

interface OptionSpec {
  long: string;
  short?: string;
  arg: ArgKind;
}

/** Tag = the long name (ipvsadm's "--list" exists twice, as -L and -l). */
const SPECS: OptionSpec[] = [
  { long: "add-service", short: "A", arg: "none" },
  { long: "edit-service", short: "E", arg: "none" },
  { long: "delete-service", short: "D", arg: "none" },
  { long: "clear", short: "C", arg: "none" },
  { long: "list", short: "L", arg: "none" },
  { long: "list", short: "l", arg: "none" },
  { long: "zero", short: "Z", arg: "none" },
  { long: "add-server", short: "a", arg: "none" },
  { long: "edit-server", short: "e", arg: "none" },
  { long: "delete-server", short: "d", arg: "none" },
  { long: "set", arg: "none" },
  { long: "help", short: "h", arg: "none" },
  { long: "version", short: "v", arg: "none" },
  { long: "restore", short: "R", arg: "none" },
  { long: "save", short: "S", arg: "none" },
  { long: "start-daemon", arg: "required" },
  { long: "stop-daemon", arg: "required" },
  { long: "tcp-service", short: "t", arg: "required" },
  { long: "udp-service", short: "u", arg: "required" },
  { long: "sctp-service", arg: "required" },
  { long: "fwmark-service", short: "f", arg: "required" },
  { long: "scheduler", short: "s", arg: "required" },
  { long: "persistent", short: "p", arg: "optional" },
  { long: "netmask", short: "M", arg: "required" },
  { long: "real-server", short: "r", arg: "required" },
  { long: "masquerading", short: "m", arg: "none" },
  { long: "ipip", short: "i", arg: "none" },
  { long: "gatewaying", short: "g", arg: "none" },
  { long: "weight", short: "w", arg: "required" },
  { long: "u-threshold", short: "x", arg: "required" },
  { long: "l-threshold", short: "y", arg: "required" },
  { long: "numeric", short: "n", arg: "none" },
  { long: "connection", short: "c", arg: "none" },
  { long: "mcast-interface", arg: "required" },
  { long: "syncid", arg: "required" },
  { long: "timeout", arg: "none" },
  { long: "daemon", arg: "none" },
  { long: "stats", arg: "none" },
  { long: "rate", arg: "none" },
  { long: "thresholds", arg: "none" },
  { long: "persistent-conn", arg: "none" },
  { long: "nosort", arg: "none" },
  { long: "sort", arg: "none" },
  { long: "exact", short: "X", arg: "none" },
  { long: "ipv6", short: "6", arg: "none" },
  { long: "ops", short: "o", arg: "none" },
  { long: "pe", arg: "required" },
  { long: "sched-flags", short: "b", arg: "required" },
  { long: "mcast-group", arg: "required" },
  { long: "mcast-port", arg: "required" },
  { long: "mcast-ttl", arg: "required" },
  { long: "sync-maxlen", arg: "required" },
  { long: "tun-info", arg: "none" },
  { long: "tun-type", arg: "required" },
  { long: "tun-port", arg: "required" },
  { long: "tun-nocsum", arg: "none" },
  { long: "tun-csum", arg: "none" },
  { long: "tun-remcsum", arg: "none" },
];

const BY_LONG = new Map(SPECS.map((s) => [s.long, s]));
const BY_SHORT = new Map(SPECS.filter((s) => s.short).map((s) => [s.short!, s]));

export type ScanItem =
  | { type: "option"; name: string; short: string | undefined; value: string | null }
  | { type: "operand"; value: string };

function badOption(spelled: string, why: string): IpvsadmUsageError {
  return new IpvsadmUsageError(`${spelled}: ${why}`, 255);
}

/** Yields options and operands in order; throws when popt would stop with an error. */
export function* scanArgs(argv: readonly string[]): Generator<ScanItem> {
  let i = 0;
  const next = () => argv[i++];
  const peekValue = (optional: boolean): string | null => {
    const word = argv[i];
    if (word === undefined) return null;
    if (optional && word.startsWith("-")) return null;
    i++;
    return word;
  };
  while (i < argv.length) {
    const word = next()!;
    if (word === "--") {
      while (i < argv.length) yield { type: "operand", value: next()! };
      return;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq < 0 ? word.slice(2) : word.slice(2, eq);
      const spec = BY_LONG.get(name);
      if (!spec) throw badOption(`--${name}`, "unknown option");
      let value: string | null = eq < 0 ? null : word.slice(eq + 1);
      if (spec.arg === "none" && value !== null) throw badOption(`--${name}`, "option does not take an argument");
      if (spec.arg !== "none" && value === null) value = peekValue(spec.arg === "optional");
      if (spec.arg === "required" && value === null) throw badOption(`--${name}`, "missing argument");
      yield { type: "option", name, short: spec.short, value };
      continue;
    }
    if (word.length < 2 || !word.startsWith("-")) {
      yield { type: "operand", value: word };
      continue;
    }
    for (let k = 1; k < word.length; k++) {
      const ch = word[k]!;
      const spec = BY_SHORT.get(ch);
      if (!spec) throw badOption(`-${ch}`, "unknown option");
      if (spec.arg === "none") {
        yield { type: "option", name: spec.long, short: ch, value: null };
        continue;
      }
      const rest = word.slice(k + 1);
      const value = rest !== "" ? rest : peekValue(spec.arg === "optional");
      if (spec.arg === "required" && value === null) throw badOption(`-${ch}`, "missing argument");
      yield { type: "option", name: spec.long, short: ch, value };
      break;
    }
  }
}
