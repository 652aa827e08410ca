// Binding a VIP on lo for a DR/TUN real server: IPv4 as /32, IPv6 as /128, so lo claims only
// that address (a wider prefix on lo would make the host treat a whole subnet as local).
// The kernel adds the matching `local` route in table local itself; we verify it is there.
import type { VipBinding } from "@/protocol/realserver.ts";
import { ipVersion } from "@/protocol/ip.ts";
import { canonicalAddress } from "../conntable/address.ts";
import { hasLocalRoute, interfaceAddresses, ipRunner, type RunIp } from "./ip-command.ts";

export class RealServerError extends Error {
  override name = "RealServerError";
}

export interface VipTarget {
  vip: string;
  v6: boolean;
  prefixLength: 32 | 128;
}

export function vipTarget(vip: string): VipTarget {
  const version = ipVersion(vip);
  if (version === 0) throw new RealServerError(`not an IP address: ${JSON.stringify(vip)}`);
  const canonical = canonicalAddress(vip);
  if (version === 4 && (canonical.startsWith("127.") || canonical === "0.0.0.0" || Number(canonical.split(".")[0]) >= 224)) {
    throw new RealServerError(`${canonical} cannot be a VIP (loopback, unspecified, multicast or reserved)`);
  }
  if (version === 6 && (canonical === "::" || canonical === "::1" || canonical.toLowerCase().startsWith("ff"))) {
    throw new RealServerError(`${canonical} cannot be a VIP (loopback, unspecified or multicast)`);
  }
  return { vip: canonical, v6: version === 6, prefixLength: version === 6 ? 128 : 32 };
}

/** The VIP's entry on lo, if any (with whatever prefix it has). */
export async function vipOnLo(run: RunIp, t: VipTarget): Promise<{ prefixLength: number } | null> {
  for (const a of await interfaceAddresses(run, "lo")) {
    if (a.address.includes(":") === t.v6 && canonicalAddress(a.address) === t.vip) return { prefixLength: a.prefixLength };
  }
  return null;
}

/** Adds VIP/32 (or /128) on lo; idempotent. Refuses when the VIP is on lo with another prefix. */
export async function bindVip(vip: string, run: RunIp = ipRunner()): Promise<VipBinding> {
  const t = vipTarget(vip);
  const present = await vipOnLo(run, t);
  if (present !== null && present.prefixLength !== t.prefixLength) {
    throw new RealServerError(
      `${t.vip} is already on lo as /${present.prefixLength}; remove it first (ip addr del ${t.vip}/${present.prefixLength} dev lo)`,
    );
  }
  if (present === null) await run([t.v6 ? "-6" : "-4", "addr", "add", `${t.vip}/${t.prefixLength}`, "dev", "lo"]);
  const hostRoute = await hasLocalRoute(run, t.vip, t.v6);
  return { vip: t.vip, prefixLength: t.prefixLength, changed: present === null, hostRoute };
}

/** Removes the VIP from lo (whatever its prefix); idempotent. The kernel drops the local route with it. */
export async function unbindVip(vip: string, run: RunIp = ipRunner()): Promise<VipBinding> {
  const t = vipTarget(vip);
  const present = await vipOnLo(run, t);
  if (present !== null) await run([t.v6 ? "-6" : "-4", "addr", "del", `${t.vip}/${present.prefixLength}`, "dev", "lo"]);
  const hostRoute = await hasLocalRoute(run, t.vip, t.v6);
  return { vip: t.vip, prefixLength: t.prefixLength, changed: present !== null, hostRoute };
}
