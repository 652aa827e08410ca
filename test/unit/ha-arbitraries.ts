// fast-check arbitraries of HA specs that pass agent/ha/validate.ts against the interfaces
// they come with (the director's `ip -j addr` as HostInterface[]), for the render tests.
import fc from "fast-check";
import type { HostInterface } from "@/agent/ha/addresses.ts";
import { HaSpec, type HaSpecInput } from "@/protocol/ha.ts";

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,12}$/);
const password = fc.stringMatching(/^[A-Za-z0-9$%&'()*+,./:;<=>?@[\]^_`|~-]{1,8}$/);
const octet = fc.integer({ min: 1, max: 254 });

/**
 * `ifaces` are real interface names of the machine that runs keepalived -t (it checks them);
 * the first one carries the VRRP instances. Subnets 10.<n>.0.0/16 and fd<n>::/64 are put on it.
 */
export function specArb(ifaces: readonly [string, ...string[]]): fc.Arbitrary<{ spec: HaSpec; ifs: HostInterface[] }> {
  const main = ifaces[0];
  const inst = fc.record({
    v6: fc.boolean(),
    net: fc.integer({ min: 1, max: 200 }),
    vipHosts: fc.uniqueArray(fc.tuple(octet, octet), { minLength: 1, maxLength: 4, selector: (t) => t.join(".") }),
    priority: fc.integer({ min: 1, max: 255 }),
    initialState: fc.constantFrom("MASTER" as const, "BACKUP" as const),
    advertInt: fc.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 300 }).map((c) => c / 100)),
    auth: fc.option(fc.record({ type: fc.constantFrom("PASS" as const, "AH" as const), password }), { nil: undefined }),
    preempt: fc.boolean(),
    preemptDelay: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    peers: fc.uniqueArray(octet, { maxLength: 3 }),
    track: fc.subarray(ifaces.slice(1) as string[]),
  });
  return fc
    .record({
      routerId: fc.option(name, { nil: undefined }),
      names: fc.uniqueArray(name, { minLength: 1, maxLength: 3, selector: (n) => n }),
      insts: fc.array(inst, { minLength: 3, maxLength: 3 }),
      sync: fc.option(fc.record({ syncId: fc.integer({ min: 0, max: 255 }) }), { nil: null }),
    })
    .map(({ routerId, names, insts, sync }) => {
      const addresses: HostInterface["addresses"] = [];
      const input: HaSpecInput = {
        ...(routerId ? { routerId } : {}),
        instances: names.map((n, k) => {
          const i = insts[k]!;
          const v6 = i.v6;
          // a distinct subnet per instance (k), so the VIPs never collide
          const net = k * 80 + (i.net % 80) + 1;
          const addr = (a: number, b: number) => (v6 ? `fd${net.toString(16)}::${a.toString(16)}:${b.toString(16)}` : `10.${net}.${a}.${b}`);
          const own = v6 ? `fd${net.toString(16)}::1` : `10.${net}.0.1`;
          addresses.push({ address: own, prefixLength: v6 ? 64 : 16, family: v6 ? "ipv6" : "ipv4" });
          const vrrp3 = v6 || !Number.isInteger(i.advertInt);
          const backup = i.initialState === "BACKUP";
          // in a sync group a BACKUP after owners starting as MASTER is refused: unless all start
          // as MASTER, the first instance is no owner (then keepalived starts the group BACKUP)
          const allMaster = names.every((_, j) => insts[j]!.initialState === "MASTER");
          const priority = names.length > 1 && k === 0 && !allMaster ? Math.min(i.priority, 254) : i.priority;
          return {
            name: n,
            interface: main,
            virtualRouterId: k + 1 + ((i.net * 3) % 80) * 3,
            priority,
            initialState: i.initialState,
            advertInt: i.advertInt,
            ...(i.auth && !vrrp3 && (backup || i.auth.type === "PASS") ? { authentication: i.auth } : {}),
            virtualIpAddresses: i.vipHosts.map(([a, b], j) => ({ address: addr(a, b), ...(j % 2 === 1 ? { prefix: v6 ? 64 : 16 } : {}) })),
            preempt: backup && priority < 255 ? i.preempt : true,
            ...(backup && i.preempt && i.preemptDelay !== undefined ? { preemptDelay: i.preemptDelay } : {}),
            unicastPeers: i.peers.map((p) => addr(255, p)),
            ...(i.peers.length > 0 ? { unicastSrcIp: own } : {}),
            trackInterfaces: i.track,
          };
        }),
        sync: sync ? { interface: main, syncId: sync.syncId } : null,
      };
      const ifs: HostInterface[] = ifaces.map((n) => ({ name: n, up: true, multicast: true, addresses: n === main ? addresses : [] }));
      return { spec: HaSpec.parse(input), ifs };
    });
}
