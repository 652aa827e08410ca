// The checks ipvsadm makes once every option is read (reference 5.2), in ipvsadm's order,
// plus the scheduler and persistence-engine names we can read.
import { checkCommandOptions, checkTunnelOptions, type OptName, schedFlagBits } from "./args-checks.ts";
import { timeoutOrFail } from "./args-values.ts";
import type { ParseState } from "./parse-state.ts";
import { IpvsadmUsageError } from "./command.ts";
import { isKernelSchedulerName } from "./scheduler-name.ts";

/** The checks ipvsadm makes after reading all options, in its order. */
export function finishParse(st: ParseState): void {
  const cmd = st.cmd!;
  if (cmd === "set") {
    const [a, b, c] = st.operands;
    if (a === undefined || b === undefined || c === undefined)
      throw new IpvsadmUsageError("--set option requires 3 timeout values");
    st.timeouts = [timeoutOrFail(a, 0), timeoutOrFail(b, 0), timeoutOrFail(c, 0)];
    st.operands.splice(0, 3);
  }
  if (st.operands.length > 0) throw new IpvsadmUsageError(`unexpected argument ${st.operands[0]}`);
  if (st.schedFlagsArg !== null) {
    const bits = schedFlagBits(st.scheduler, st.schedFlagsArg);
    st.schedFlags = (["flag-1", "flag-2", "flag-3"] as const).filter((_, i) => bits & (1 << i));
  }
  checkCommandOptions(cmd, st.given);
  if (cmd === "add-service" || cmd === "edit-service") {
    if (!st.fwmark && !st.port && st.persistent === null)
      throw new IpvsadmUsageError("Zero port specified for non-persistent service");
    if (st.onePacket && !st.fwmark && st.protocol !== "udp")
      throw new IpvsadmUsageError("One-Packet Scheduling is only for UDP virtual services");
    if (st.scheduler === null || st.scheduler === "") st.scheduler = "wlc";
  }
  if ((cmd === "add-server" || cmd === "edit-server") && st.dest) {
    // Deliberate difference: an -e without -m/-g/-i keeps the server's method (edits merge,
    // see command.ts), so the checks that depend on the method wait for the live config.
    const methodKnown = cmd === "add-server" || st.given.has("forwarding-method");
    if (methodKnown && !st.fwmark && (st.forwarding === "tunnel" || st.forwarding === "route")) st.dest.port = st.port;
    if (methodKnown && st.dest.family !== st.family && st.forwarding !== "tunnel")
      throw new IpvsadmUsageError("Different address family is allowed only for tunneling servers");
    const tunOpts: OptName[] = ["tun-type", "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum"];
    if (methodKnown && tunOpts.some((o) => st.given.has(o)) && st.forwarding !== "tunnel")
      throw new IpvsadmUsageError("Tunnel options conflict with forward method");
    checkTunnelOptions(st.tunType, st.given);
  }
  if (cmd === "list") {
    const g = (o: OptName) => st.given.has(o);
    if (
      ((g("connection") || g("timeout") || g("daemon")) && (g("stats") || g("rate") || g("thresholds"))) ||
      ((g("timeout") || g("daemon")) && g("persistent-conn"))
    )
      throw new IpvsadmUsageError("options conflicts in the list command");
  }
  // Any name the kernel could have is kept as typed, also outside the domain model's Scheduler:
  // exports print such a name (`-s twos`, as ipvsadm -S does) and reading it back must not turn
  // it into another scheduler. Writing it is refused where commands run (scheduler-name.ts).
  if ((cmd === "add-service" || cmd === "edit-service") && !isKernelSchedulerName(st.scheduler!))
    throw new IpvsadmUsageError(`Scheduler or persistence engine not found (unknown scheduler \`${st.scheduler}')`, 255);
  if ((cmd === "add-service" || cmd === "edit-service") && st.pe !== null && st.pe !== "sip")
    throw new IpvsadmUsageError(`Scheduler or persistence engine not found (unknown persistence engine \`${st.pe}')`, 255);
}
