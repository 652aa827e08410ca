// What the server knows about one director's IPVS table: configuration from service.list,
// counters and rates from the stats events (the kernel estimator's cps/pps/bps), and the
// last SPARKLINE_POINTS seconds of the director's totals.
import { SPARKLINE_POINTS, type TrafficPoint, destinationKeyString, serviceKeyString } from "@/protocol/dashboard/index.ts";
import type { DestinationConfig, DestinationKey, ServiceConfig, ServiceKey, ServiceState, Stats } from "@/protocol/ipvs.ts";
import type { StatsSnapshot } from "@/protocol/agent/ipvs.ts";
import { tableVersion } from "../versions/digest.ts";

export interface DestinationEntry {
  key: DestinationKey;
  config: DestinationConfig;
  persistConns: number;
  traffic: TrafficPoint;
}

export interface ServiceEntry {
  key: ServiceKey;
  config: ServiceConfig;
  traffic: TrafficPoint;
  /** keyed by destinationKeyString */
  destinations: Map<string, DestinationEntry>;
}

export const ZERO_TRAFFIC: TrafficPoint = Object.freeze({
  cps: 0,
  inPps: 0,
  outPps: 0,
  inBps: 0,
  outBps: 0,
  activeConns: 0,
  inactiveConns: 0,
});

export function trafficOf(s: Stats, activeConns: number, inactiveConns: number): TrafficPoint {
  return { cps: s.cps, inPps: s.inPps, outPps: s.outPps, inBps: s.inBps, outBps: s.outBps, activeConns, inactiveConns };
}

export function addTraffic(a: TrafficPoint, b: TrafficPoint): TrafficPoint {
  return {
    cps: a.cps + b.cps,
    inPps: a.inPps + b.inPps,
    outPps: a.outPps + b.outPps,
    inBps: a.inBps + b.inBps,
    outBps: a.outBps + b.outBps,
    activeConns: a.activeConns + b.activeConns,
    inactiveConns: a.inactiveConns + b.inactiveConns,
  };
}

export class DirectorState {
  /** keyed by serviceKeyString */
  services = new Map<string, ServiceEntry>();
  /** the last SPARKLINE_POINTS totals by push number: keyed, so that each second's merge
   * patch to a browser adds one key and drops one instead of resending whole arrays */
  readonly sparklines = { cps: new Map<number, number>(), bps: new Map<number, number>(), activeConns: new Map<number, number>() };
  #sparkSeq = 0;
  /** changes whenever the configuration seen here changes (versions/digest.ts) */
  version = tableVersion(this.services);

  /** Replaces the table with a fresh service.list answer. */
  applyList(list: readonly ServiceState[]): void {
    const next = new Map<string, ServiceEntry>();
    for (const s of list) {
      let active = 0;
      let inactive = 0;
      const destinations = new Map<string, DestinationEntry>();
      for (const d of s.destinations) {
        active += d.activeConns;
        inactive += d.inactiveConns;
        destinations.set(destinationKeyString(d.key), {
          key: d.key,
          config: d.config,
          persistConns: d.persistConns,
          traffic: trafficOf(d.stats, d.activeConns, d.inactiveConns),
        });
      }
      next.set(serviceKeyString(s.key), { key: s.key, config: s.config, traffic: trafficOf(s.stats, active, inactive), destinations });
    }
    this.services = next;
    this.version = tableVersion(next);
  }

  /** One real server's config as a dest.update answered it (the kernel's now): the table is
   * current without a re-list. Returns false when the table does not have that real server
   * (the caller re-lists). */
  applyDestination(service: string, key: DestinationKey, config: DestinationConfig): boolean {
    const entry = this.services.get(service)?.destinations.get(destinationKeyString(key));
    if (!entry) return false;
    entry.config = config;
    this.version = tableVersion(this.services);
    return true;
  }

  /** Updates counters and weights from a stats event. Returns false when the event's
   * service/real-server key set differs from the known table (someone used ipvsadm). */
  applyStats(snap: StatsSnapshot): boolean {
    let same = snap.services.length === this.services.size;
    let weightChanged = false;
    for (const s of snap.services) {
      const entry = this.services.get(serviceKeyString(s.key));
      if (!entry) {
        same = false;
        continue;
      }
      entry.traffic = trafficOf(s.stats, s.activeConns, s.inactiveConns);
      if (s.destinations.length !== entry.destinations.size) same = false;
      for (const d of s.destinations) {
        const de = entry.destinations.get(destinationKeyString(d.key));
        if (!de) {
          same = false;
          continue;
        }
        de.traffic = trafficOf(d.stats, d.activeConns, d.inactiveConns);
        de.persistConns = d.persistConns;
        if (de.config.weight !== d.weight) {
          de.config = { ...de.config, weight: d.weight };
          weightChanged = true;
        }
      }
    }
    // a weight set outside the server (ipvsadm -e) is a table change too
    if (weightChanged) this.version = tableVersion(this.services);
    const t = this.total();
    const n = ++this.#sparkSeq;
    push(this.sparklines.cps, n, t.cps);
    push(this.sparklines.bps, n, t.inBps + t.outBps);
    push(this.sparklines.activeConns, n, t.activeConns);
    return same;
  }

  total(): TrafficPoint {
    let t = ZERO_TRAFFIC;
    for (const s of this.services.values()) t = addTraffic(t, s.traffic);
    return t;
  }

  destinationCount(): number {
    let n = 0;
    for (const s of this.services.values()) n += s.destinations.size;
    return n;
  }

  /** The link is down: the table stays (last known), but no counters are current. */
  clearTraffic(): void {
    for (const svc of this.services.values()) {
      svc.traffic = ZERO_TRAFFIC;
      for (const d of svc.destinations.values()) d.traffic = ZERO_TRAFFIC;
    }
  }
}

function push(points: Map<number, number>, n: number, v: number): void {
  points.set(n, v);
  points.delete(n - SPARKLINE_POINTS);
}
