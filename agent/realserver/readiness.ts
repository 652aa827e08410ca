// Is this host ready to serve a VIP as an LVS-DR (or TUN) real server? Checks, each with its
// current value and the fix (reference 7.2): VIP on lo as /32 (/128) with its local route, and
// for IPv4 arp_ignore=1 / arp_announce=2 effective on every interface, where the effective
// value is max(all, interface).
import type { DrReadinessReport, ReadinessCheck } from "@/protocol/realserver.ts";
import { listAllowedSysctls } from "../sysctl/allowlist.ts";
import { SysctlService } from "../sysctl/sysctl.ts";
import { hasLocalRoute, ipRunner, type RunIp } from "./ip-command.ts";
import { vipOnLo, vipTarget } from "./vip.ts";

export interface ReadinessOptions {
  run?: RunIp;
  procRoot?: string;
  /** Interfaces to check ARP settings on; default every IPv4 interface of the namespace. */
  interfaces?: string[];
}

const CONF = "net.ipv4.conf.";

async function ifacesOf(sysctl: SysctlService): Promise<string[]> {
  const names = await listAllowedSysctls(sysctl.procRoot);
  const out = new Set<string>();
  for (const n of names) {
    if (!n.startsWith(CONF) || !n.endsWith(".arp_ignore")) continue;
    const iface = n.slice(CONF.length, -".arp_ignore".length);
    if (iface !== "all" && iface !== "default") out.add(iface);
  }
  return [...out];
}

async function arpChecks(sysctl: SysctlService, ifaces: string[]): Promise<ReadinessCheck[]> {
  const checks: ReadinessCheck[] = [];
  const wanted = [
    { key: "arp_ignore", want: 1, ok: (v: number) => v === 1 || v === 2, why: "do not answer ARP for the VIP held on lo" },
    { key: "arp_announce", want: 2, ok: (v: number) => v === 2, why: "never use the VIP as ARP source address" },
  ];
  for (const { key, want, ok, why } of wanted) {
    const all = Number((await sysctl.get(`${CONF}all.${key}`)).value);
    for (const iface of ifaces) {
      const own = Number((await sysctl.get(`${CONF}${iface}.${key}`)).value);
      const effective = Math.max(all, own);
      const good = ok(effective);
      // Raising `all` fixes every interface at once; an interface set above the target needs its own fix.
      const target = all < want ? "all" : iface;
      const name = `${CONF}${target}.${key}`;
      checks.push({
        id: `${key}:${iface}`,
        title: `${key} on ${iface} (effective = max(all=${all}, ${iface}=${own})): ${why}`,
        ok: good,
        current: String(effective),
        expected: String(want),
        fix: good ? null : { commands: [["sysctl", "-w", `${name}=${want}`]], sysctl: { name, value: String(want) } },
      });
    }
  }
  return checks;
}

export async function drReadiness(vip: string, options: ReadinessOptions = {}): Promise<DrReadinessReport> {
  const t = vipTarget(vip);
  const run = options.run ?? ipRunner();
  const sysctl = new SysctlService(options.procRoot === undefined ? {} : { procRoot: options.procRoot });
  const checks: ReadinessCheck[] = [];
  const notes: string[] = [];
  const addCmd = ["ip", t.v6 ? "-6" : "-4", "addr", "add", `${t.vip}/${t.prefixLength}`, "dev", "lo"];

  const present = await vipOnLo(run, t);
  const exact = present?.prefixLength === t.prefixLength;
  checks.push({
    id: "vip-on-lo",
    title: `${t.vip} bound on lo as /${t.prefixLength}`,
    ok: exact,
    current: present === null ? "absent" : `${t.vip}/${present.prefixLength} on lo`,
    expected: `${t.vip}/${t.prefixLength} on lo`,
    fix: exact
      ? null
      : {
          commands:
            present === null ? [addCmd] : [["ip", "addr", "del", `${t.vip}/${present.prefixLength}`, "dev", "lo"], addCmd],
        },
  });
  const route = await hasLocalRoute(run, t.vip, t.v6);
  checks.push({
    id: "host-route",
    title: `local route for ${t.vip} on lo (added by the kernel with the address)`,
    ok: route,
    current: route ? "present" : "absent",
    expected: "present",
    fix: route ? null : { commands: [addCmd] },
  });

  if (t.v6) {
    notes.push("IPv6 has no arp_ignore/arp_announce; how a DR real server keeps an IPv6 VIP out of neighbour discovery is not verified (VIP on lo as /128 is the common recipe).");
  } else {
    const ifaces = options.interfaces ?? (await ifacesOf(sysctl));
    checks.push(...(await arpChecks(sysctl, ifaces)));
  }
  return { vip: t.vip, ready: checks.every((c) => c.ok), checks, notes };
}
