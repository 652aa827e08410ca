// One check of one checker against its target: picks the checker kind's implementation.
import type { Checker, RealServerHealth } from "@/protocol/health.ts";
import { dnsCheck } from "./check-dns.ts";
import { httpCheck } from "./check-http.ts";
import { miscCheck } from "./check-misc.ts";
import { type CheckOutcome, tcpCheck } from "./check-net.ts";

export type RunCheck = (c: Checker, rs: RealServerHealth, timeoutMs: number) => Promise<CheckOutcome>;

/** The real checkers (timeoutMs: connect_timeout, or misc_timeout for a script); unit tests of the state machine pass their own RunCheck. */
export const runCheck: RunCheck = (c, rs, timeoutMs) => {
  if (c.kind === "MISC_CHECK") return miscCheck(c.miscPath, c.user ?? "nobody", timeoutMs);
  const target = {
    address: c.connectIp ?? rs.key.address,
    port: c.connectPort ?? rs.key.port,
    timeoutMs,
    ...(c.bindto ? { bindto: c.bindto } : {}),
  };
  if (c.kind === "TCP_CHECK") return tcpCheck(target);
  if (c.kind === "DNS_CHECK") return dnsCheck(c.name, c.type, target);
  return httpCheck(c, target);
};
