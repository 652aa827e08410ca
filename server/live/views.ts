// The views of the dashboard contract (protocol/dashboard/index.ts) built from the fleet's links.
// They are plain JSON (no undefined), so the hub can diff them into merge patches.
import type {
  DestinationView,
  DirectorDetailView,
  DirectorView,
  FleetView,
  ServiceLiveView,
  ServiceView,
} from "@/protocol/dashboard/index.ts";
import type { DirectorLink } from "../agents/link.ts";

/** Which drain job touches (director, service key, destination key), if any. */
export type DrainLookup = (director: string, service: string, destination: string) => string | null;

export function directorView(l: DirectorLink): DirectorView {
  const r = l.registration;
  const s = l.state;
  return {
    id: l.id,
    name: r.name,
    url: r.url,
    group: r.group,
    role: r.role,
    link: l.link,
    linkError: l.linkError,
    since: l.since,
    ipvsVersion: l.info?.version ?? null,
    connTableSize: l.info?.connTableSize ?? null,
    serviceCount: s.services.size,
    destinationCount: s.destinationCount(),
    traffic: s.total(),
    sparklines: {
      cps: Object.fromEntries(s.sparklines.cps),
      bps: Object.fromEntries(s.sparklines.bps),
      activeConns: Object.fromEntries(s.sparklines.activeConns),
    },
    ha: r.role === "director" ? l.ha.view() : null,
  };
}

export function fleetView(links: readonly DirectorLink[]): FleetView {
  const directors: FleetView["directors"] = {};
  for (const l of links) directors[l.id] = directorView(l);
  return { directors };
}

export function serviceViews(l: DirectorLink, drainOf: DrainLookup): Record<string, ServiceView> {
  const services: Record<string, ServiceView> = {};
  for (const [key, s] of l.state.services) {
    const destinations: Record<string, DestinationView> = {};
    for (const [dk, d] of s.destinations) {
      destinations[dk] = {
        key: dk,
        address: d.key.address,
        port: d.key.port,
        config: d.config,
        persistConns: d.persistConns,
        traffic: d.traffic,
        drainJob: drainOf(l.id, key, dk),
      };
    }
    services[key] = { key, config: s.config, traffic: s.traffic, destinations };
  }
  return services;
}

export function directorDetailView(l: DirectorLink, drainOf: DrainLookup): DirectorDetailView {
  return { director: directorView(l), version: l.state.version, services: serviceViews(l, drainOf) };
}

/** null when the director does not have that service (any more). */
export function serviceLiveView(l: DirectorLink, serviceKey: string, now = Date.now()): ServiceLiveView | null {
  const s = l.state.services.get(serviceKey);
  if (!s) return null;
  const destinations: ServiceLiveView["destinations"] = {};
  for (const [dk, d] of s.destinations) destinations[dk] = d.traffic;
  return { time: Math.floor(now / 1000), total: s.traffic, destinations };
}
