// The table every director of the fleet benchmark carries: `services` TCP NAT services with
// `realServers` real servers each. One generator feeds both setups, so the lab's kernels
// (ipvsadm -R text) and the in-process fakes (FakeIpvs states) hold the same table.
import type { ServiceState, Stats } from "@/protocol/ipvs.ts";

export interface FleetTableSize {
  services: number;
  realServers: number;
}

/** VIPs on the director's client segment (172.16.0.0/24 is on its br0), many ports each. */
const VIP_BASE = "172.16.0.";
const FIRST_VIP = 100;
const PORTS_PER_VIP = 100;
const FIRST_PORT = 8000;

export interface FleetService {
  vip: string;
  port: number;
  /** real-server addresses on the director's 10.0.0.0/24 segment: routable, need not exist */
  realServers: string[];
}

export function fleetServices(size: FleetTableSize): FleetService[] {
  if (size.services > PORTS_PER_VIP * 100) throw new RangeError(`at most ${PORTS_PER_VIP * 100} services`);
  if (size.realServers > 200) throw new RangeError("at most 200 real servers per service");
  return Array.from({ length: size.services }, (_, i) => ({
    vip: `${VIP_BASE}${FIRST_VIP + Math.floor(i / PORTS_PER_VIP)}`,
    port: FIRST_PORT + (i % PORTS_PER_VIP),
    realServers: Array.from({ length: size.realServers }, (_, j) => `10.0.0.${11 + j}`),
  }));
}

/** `ipvsadm -R` input for the table (NAT, weight 1, wlc). */
export function fleetRulesText(size: FleetTableSize): string {
  const lines: string[] = [];
  for (const s of fleetServices(size)) {
    lines.push(`-A -t ${s.vip}:${s.port} -s wlc`);
    for (const rs of s.realServers) lines.push(`-a -t ${s.vip}:${s.port} -r ${rs}:80 -m -w 1`);
  }
  return `${lines.join("\n")}\n`;
}

export const zeroStats = (): Stats => ({
  conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0,
  cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0,
});

/** The same table as kernel states, for a FakeIpvs. */
export function fleetServiceStates(size: FleetTableSize): ServiceState[] {
  return fleetServices(size).map((s) => ({
    key: { protocol: "tcp", address: s.vip, port: s.port },
    config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false },
    stats: zeroStats(),
    destinations: s.realServers.map((rs) => ({
      key: { address: rs, port: 80 },
      config: { forwarding: "masq", weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
      activeConns: 0,
      inactiveConns: 0,
      persistConns: 0,
      stats: zeroStats(),
    })),
  }));
}

/**
 * One second of synthetic traffic on a table: every real server gets a few new connections
 * and packets, rates follow, active/inactive connections wander. `rand` is injected so runs
 * can be repeated. Service counters are the sums of their real servers', as in the kernel.
 */
export function advanceTraffic(services: ServiceState[], rand: () => number): void {
  for (const s of services) {
    const total = zeroStats();
    for (const d of s.destinations) {
      const cps = Math.floor(rand() * 20);
      const inPps = cps * 6 + Math.floor(rand() * 10);
      const outPps = cps * 5 + Math.floor(rand() * 10);
      const st = d.stats;
      st.cps = cps;
      st.inPps = inPps;
      st.outPps = outPps;
      st.inBps = inPps * 120;
      st.outBps = outPps * 900;
      st.conns += cps;
      st.inPkts += inPps;
      st.outPkts += outPps;
      st.inBytes += st.inBps;
      st.outBytes += st.outBps;
      d.activeConns = Math.max(0, d.activeConns + Math.floor(rand() * 7) - 3);
      d.inactiveConns = Math.max(0, d.inactiveConns + Math.floor(rand() * 7) - 3);
      for (const k of Object.keys(total) as (keyof Stats)[]) total[k] += st[k];
    }
    s.stats = total;
  }
}

/** A small deterministic generator (mulberry32), so a run's traffic can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
