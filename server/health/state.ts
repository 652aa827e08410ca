// What the server knows of one director's health checks: the agent's last HealthStatus (from
// health.subscribe events and the periodic health.get), the checkers configured per real
// server, recent check latencies, and which transitions were already reported. Kept per
// director across relinks, so a transition that happened while the link was down is still
// noticed (its time is in the agent's transition list); the first status this server sees of
// a director reports none (they happened before it watched, or an earlier run reported them).
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/keys.ts";
import type { DirectorHealthView, HealthLatencyView, HealthLinkStatus, RsHealthView, ServiceHealthView } from "@/protocol/dashboard/health.ts";
import type { HealthConfig, HealthStatus, HealthTransition } from "@/protocol/health.ts";
import { SubscribedState } from "../agents/subscribed-state.ts";

/** latency points kept per real server (at one health.get every 2 s: the last 5 minutes) */
export const LATENCY_POINTS = 150;

export interface NewTransition {
  service: string;
  destination: string;
  transition: HealthTransition;
}

const rsId = (service: string, destination: string) => `${service} ${destination}`;

export class DirectorHealth extends SubscribedState<HealthLinkStatus, HealthStatus> {
  /** "service dest" -> checker kinds (from the agent's configuration) */
  checkers = new Map<string, string[]>();
  /** the configuration's real servers ("service dest"), to notice one made elsewhere (lvsctl) */
  configured = new Set<string>();
  /** "service dest" -> newest transition time already reported; null before the first status */
  #seenUntil: Map<string, number> | null = null;
  /** service -> dest -> (check time in s -> latency ms) */
  readonly latency = new Map<string, Map<string, Map<number, number>>>();
  /** "service dest" -> time (ms) of the last result sampled */
  readonly #sampledAt = new Map<string, number>();

  setConfig(config: HealthConfig): void {
    this.checkers.clear();
    this.configured.clear();
    for (const s of config.services) {
      const sk = serviceKeyString(s.key);
      for (const r of s.realServers) {
        const id = rsId(sk, destinationKeyString(r.key));
        this.checkers.set(id, r.checkers.map((c) => c.kind));
        this.configured.add(id);
      }
    }
  }

  /** Whether a status names real servers the known configuration does not (or misses some). */
  configStale(s: HealthStatus): boolean {
    if (s.realServers.length !== this.configured.size) return true;
    return s.realServers.some((r) => !this.configured.has(rsId(serviceKeyString(r.service), destinationKeyString(r.key))));
  }

  /**
   * Takes a status; an older one than the current is ignored. Samples each new check result's
   * latency and returns the transitions not seen before.
   */
  apply(s: HealthStatus): NewTransition[] {
    if (this.last && s.time < this.last.time) return [];
    this.last = s;
    this.status = "active";
    this.error = null;
    const first = this.#seenUntil === null;
    this.#seenUntil ??= new Map();
    const seen = this.#seenUntil;
    const out: NewTransition[] = [];
    const present = new Set<string>();
    for (const r of s.realServers) {
      const service = serviceKeyString(r.service);
      const destination = destinationKeyString(r.key);
      const id = rsId(service, destination);
      present.add(id);
      const since = seen.get(id);
      const newest = r.transitions.reduce((t, x) => Math.max(t, x.at), since ?? 0);
      if (!first) for (const t of r.transitions) if (since === undefined || t.at > since) out.push({ service, destination, transition: t });
      seen.set(id, newest);
      const res = r.lastResult;
      if (res && res.at > (this.#sampledAt.get(id) ?? 0)) {
        this.#sampledAt.set(id, res.at);
        this.#sample(service, destination, res.at, res.latencyMs);
      }
    }
    // real servers no longer checked: forget them, so a new configuration starts afresh
    for (const id of [...seen.keys()]) if (!present.has(id)) seen.delete(id);
    for (const [svc, dests] of this.latency) {
      for (const d of [...dests.keys()]) if (!present.has(rsId(svc, d))) dests.delete(d);
      if (dests.size === 0) this.latency.delete(svc);
    }
    return out;
  }

  #sample(service: string, destination: string, atMs: number, latencyMs: number): void {
    const dests = this.latency.get(service) ?? new Map<string, Map<number, number>>();
    this.latency.set(service, dests);
    const points = dests.get(destination) ?? new Map<number, number>();
    dests.set(destination, points);
    points.set(Math.floor(atMs / 1000), Math.round(latencyMs * 10) / 10);
    while (points.size > LATENCY_POINTS) points.delete(points.keys().next().value!);
  }

  view(director: string, online: boolean): DirectorHealthView {
    const s = this.last;
    const services: Record<string, ServiceHealthView> = {};
    for (const sv of s?.services ?? []) {
      const key = serviceKeyString(sv.key);
      services[key] = { key, quorumUp: sv.quorumUp, liveWeight: sv.liveWeight, sorryServerActive: sv.sorryServerActive, realServers: {} };
    }
    for (const r of s?.realServers ?? []) {
      const sk = serviceKeyString(r.service);
      const dk = destinationKeyString(r.key);
      services[sk] ??= { key: sk, quorumUp: true, liveWeight: 0, sorryServerActive: false, realServers: {} };
      const v: RsHealthView = {
        key: dk,
        address: r.key.address,
        port: r.key.port,
        state: r.state,
        configuredWeight: r.configuredWeight,
        inPool: r.inPool,
        lastResult: r.lastResult,
        consecutiveFailures: r.consecutiveFailures,
        transitions: r.transitions,
        checkers: this.checkers.get(rsId(sk, dk)) ?? [],
      };
      services[sk].realServers[dk] = v;
    }
    const status: HealthLinkStatus = !online && this.status !== "none" && this.last ? "offline" : this.status;
    return {
      director,
      status,
      error: this.error,
      scriptChecksAllowed: s?.scriptChecksAllowed ?? false,
      time: s?.time ?? null,
      services: this.status === "none" ? {} : services,
    };
  }

  latencyView(service: string, now = Date.now()): HealthLatencyView {
    const latency: HealthLatencyView["latency"] = {};
    for (const [d, points] of this.latency.get(service) ?? []) latency[d] = Object.fromEntries(points);
    return { time: Math.floor(now / 1000), latency };
  }
}
