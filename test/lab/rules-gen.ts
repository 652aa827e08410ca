// Random rule sets the real kernel accepts (for the lvsctl/rules lab tests): the unit tests'
// generator, with real-server addresses moved into ranges the kernel takes (IPv4 unicast and
// routable through the director's default route, IPv6 in 2001:db8::/32) and the SIP
// persistence engine kept to UDP services.
import fc from "fast-check";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { canonicalAddress, ipv6Groups } from "@/protocol/ipvsadm/addr.ts";
import { destKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import { formatSave } from "@/protocol/ipvsadm/save.ts";
import { serviceRulesArb } from "../unit/ipvsadm-arbitraries.ts";

function routable(address: string): string {
  if (address.includes(":")) {
    const g = ipv6Groups(address);
    g[0] = 0x2001;
    g[1] = 0xdb8;
    if (g.slice(2).every((x) => x === 0)) g[7] = 1;
    return canonicalAddress(g.map((x) => x.toString(16)).join(":"));
  }
  const o = address.split(".").map(Number);
  if (o[0] === 0 || o[0] === 127 || o[0]! >= 224) o[0] = 10;
  if (o.every((x, i) => i === 0 || x === 0)) o[3] = 1;
  return o.join(".");
}

export function kernelFriendly(rules: ServiceRules[]): ServiceRules[] {
  return rules.map((s) => {
    const seen = new Set<string>();
    const destinations = s.destinations
      .map((d) => ({ ...d, key: { ...d.key, address: routable(d.key.address) } }))
      .filter((d) => {
        const k = destKeyString(d.key);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    const pe = s.key.protocol === "udp" ? s.config.pe : null;
    return { ...s, config: { ...s.config, pe }, destinations };
  });
}

/** A reproducible random rule set and its ipvsadm -R text (with -x/-y). */
export function randomRules(seed: number, services = 25, dests = 4): { rules: ServiceRules[]; text: string } {
  const [raw] = fc.sample(serviceRulesArb(services, dests, Math.ceil(services / 2)), { seed, numRuns: 1 });
  const rules = kernelFriendly(raw!);
  // Debian's ipvsadm 1.31 saves marks >= 2^31 as negative numbers but refuses them on input,
  // so the text given to `ipvsadm -R` spells them unsigned
  const text = formatSave(rules, { thresholds: true, sort: false }).replace(/-f (-\d+)/g, (_, n: string) => `-f ${Number(n) + 2 ** 32}`);
  return { rules, text };
}
