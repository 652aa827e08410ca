// vip.list / vip.add / vip.remove and realserver.readiness: the real-server role (a DR/TUN
// real server holds the VIP on lo and must not answer ARP for it). The work is in
// agent/realserver/; this module maps its errors and lists what is bound on lo.
import { ProtocolError } from "@/protocol/errors.ts";
import type { VipEntry } from "@/protocol/agent/host.ts";
import { canonicalAddress } from "../conntable/address.ts";
import { IpCommandError, interfaceAddresses, ipRunner, type RunIp } from "../realserver/ip-command.ts";
import { drReadiness } from "../realserver/readiness.ts";
import { RealServerError, bindVip, unbindVip } from "../realserver/vip.ts";
import type { HandlerMap } from "./context.ts";
import type { HandlerDeps } from "./deps.ts";
import { sysctlErrorToProtocol } from "./sysctl.ts";

function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1";
}

export function vipErrorToProtocol(err: unknown): unknown {
  // refused before running anything: a bad address or a conflicting prefix on lo
  if (err instanceof RealServerError) return new ProtocolError("bad_request", err.message);
  if (err instanceof IpCommandError) {
    const forbidden = /Operation not permitted/i.test(err.stderr);
    return new ProtocolError(forbidden ? "forbidden" : "internal", err.message, { stderr: err.stderr.trim() });
  }
  return sysctlErrorToProtocol(err);
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw vipErrorToProtocol(err);
  }
}

/** Every address on lo except loopback ones: the VIPs this host serves as a real server. */
export async function listVips(run: RunIp): Promise<VipEntry[]> {
  const out: VipEntry[] = [];
  for (const a of await interfaceAddresses(run, "lo")) {
    const address = canonicalAddress(a.address);
    if (!isLoopback(address)) out.push({ address, prefixLength: a.prefixLength });
  }
  return out;
}

export function vipHandlers(run: RunIp, procSysRoot?: string): HandlerMap {
  return {
    "vip.list": () => mapped(async () => ({ vips: await listVips(run) })),
    "vip.add": ({ address }) => mapped(() => bindVip(address, run)),
    "vip.remove": ({ address }) => mapped(() => unbindVip(address, run)),
    "realserver.readiness": ({ vip, interfaces }) =>
      mapped(() =>
        drReadiness(vip, {
          run,
          ...(procSysRoot === undefined ? {} : { procRoot: procSysRoot }),
          ...(interfaces === undefined ? {} : { interfaces }),
        }),
      ),
  };
}

export function createHandlers(deps: HandlerDeps): HandlerMap {
  return vipHandlers(deps.host?.runIp ?? ipRunner(), deps.host?.procSysRoot);
}
