// What ipvsadm's option loop collects before defaults and cross-checks: the parser (args.ts)
// fills it, args-finish.ts checks it and args-build.ts turns it into a command. Its own file,
// so those two need not import the parser that imports them.
import type { SchedulerFlag } from "../ipvs.ts";
import type { CmdName, OptName, TunnelTypeName } from "./args-checks.ts";

/** Everything collected from the options, before defaults and cross-checks. */
export interface ParseState {
  cmd: CmdName | null;
  given: Set<OptName>;
  protocol: "tcp" | "udp" | "sctp" | null;
  fwmark: number;
  family: 4 | 6 | 0;
  address: string | null;
  port: number;
  scheduler: string | null;
  persistent: number | null;
  netmask: string;
  pe: string | null;
  onePacket: boolean;
  schedFlagsArg: string | null;
  schedFlags: SchedulerFlag[];
  dest: { family: 4 | 6; address: string; port: number } | null;
  forwarding: "masq" | "route" | "tunnel";
  weight: number;
  upper: number;
  lower: number;
  tunType: TunnelTypeName;
  tunPort: number;
  tunChecksum: "nocsum" | "csum" | "remcsum";
  daemonState: "master" | "backup" | null;
  mcastInterface: string | null;
  syncId: number;
  mcastGroup: string | null;
  mcastPort: number | null;
  mcastTtl: number | null;
  syncMaxLen: number | null;
  operands: string[];
  timeouts: [number, number, number];
}

export function initialState(): ParseState {
  return {
    cmd: null, given: new Set(), protocol: null, fwmark: 0, family: 0, address: null, port: 0,
    scheduler: null, persistent: null, netmask: "255.255.255.255", pe: null, onePacket: false,
    schedFlagsArg: null, schedFlags: [], dest: null, forwarding: "route", weight: 1, upper: 0,
    lower: 0, tunType: "ipip", tunPort: 0, tunChecksum: "nocsum", daemonState: null,
    mcastInterface: null, syncId: 0, mcastGroup: null, mcastPort: null, mcastTtl: null,
    syncMaxLen: null, operands: [], timeouts: [0, 0, 0],
  };
}
