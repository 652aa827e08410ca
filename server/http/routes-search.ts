// GET /api/search?q=: the header's fleet search. Services by VIP and real servers by address
// across every director's table as the server holds it (no agent round trip), and the
// realserver agents registered with the address. The matching is a pure function (unit-tested).
import type { AgentHit, RealServerHit, SearchResults, ServiceHit } from "@/protocol/dashboard/search.ts";
import { SEARCH_LIMIT, SearchQuery } from "@/protocol/dashboard/search.ts";
import { ipVersion } from "@/protocol/ip.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { canonicalAddress } from "@/protocol/ipvsadm/addr.ts";
import type { Dashboard } from "../dashboard.ts";
import type { DirectorState } from "../agents/director-state.ts";
import { validate } from "./respond.ts";
import type { Router } from "./router.ts";

/** What a query asks for: a fwmark, an exact address (and port), or a piece of "addr:port". */
export type SearchMatcher =
  | { kind: "fwmark"; fwmark: number }
  | { kind: "address"; address: string; port: number | null }
  | { kind: "text"; text: string };

export function searchMatcher(raw: string): SearchMatcher {
  const q = raw.trim().toLowerCase();
  const fw = /^fwmark\s*[:= ]?\s*(?:ipv[46]\s*:\s*)?(\d{1,10})$/.exec(q);
  if (fw) return { kind: "fwmark", fwmark: Number(fw[1]) };
  if (ipVersion(q)) return { kind: "address", address: canonicalAddress(q), port: null };
  const hp = /^(?:\[([0-9a-f:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(q);
  const host = hp ? (hp[1] ?? hp[2])! : "";
  if (hp && ipVersion(host)) return { kind: "address", address: canonicalAddress(host), port: Number(hp[3]) };
  return { kind: "text", text: q };
}

const hostPort = (address: string, port: number) => (ipVersion(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`);

/** Does an address (and port) answer the query? fwmark queries match no address. */
export function addressMatches(m: SearchMatcher, address: string, port: number | null): boolean {
  if (m.kind === "fwmark") return false;
  const a = ipVersion(address) ? canonicalAddress(address) : address.toLowerCase();
  if (m.kind === "address") return a === m.address && (m.port === null || m.port === port);
  return (port === null ? a : hostPort(a, port)).includes(m.text);
}

export function serviceMatches(m: SearchMatcher, key: ServiceKey): boolean {
  if (key.protocol === "fwmark") return m.kind === "fwmark" ? m.fwmark === key.fwmark : m.kind === "text" && `fwmark ${key.fwmark}`.includes(m.text);
  return addressMatches(m, key.address, key.port);
}

export function serviceLabel(key: ServiceKey): string {
  return key.protocol === "fwmark" ? `fwmark ${key.fwmark} (${key.family})` : `${key.protocol.toUpperCase()} ${hostPort(key.address, key.port)}`;
}

export interface SearchableDirector {
  id: string;
  name: string;
  group: string;
  role: "director" | "realserver";
  addresses: readonly string[];
  state: Pick<DirectorState, "services">;
}

/** Every hit of `query` in the fleet, ordered by director then key; at most SEARCH_LIMIT per list. */
export function searchFleet(query: string, directors: readonly SearchableDirector[]): SearchResults {
  const m = searchMatcher(query);
  const services: ServiceHit[] = [];
  const realServers: RealServerHit[] = [];
  const agents: AgentHit[] = [];
  const sorted = [...directors].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  for (const d of sorted) {
    const where = { director: d.id, directorName: d.name, group: d.group };
    if (d.role === "realserver") {
      for (const address of d.addresses) if (addressMatches(m, address, null)) agents.push({ agent: d.id, name: d.name, address });
      continue;
    }
    for (const [service, s] of [...d.state.services.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const label = serviceLabel(s.key);
      if (serviceMatches(m, s.key)) services.push({ ...where, service, label, realServers: s.destinations.size });
      for (const [destination, rs] of [...s.destinations.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        if (addressMatches(m, rs.key.address, rs.key.port)) {
          realServers.push({ ...where, service, serviceLabel: label, destination, forwarding: rs.config.forwarding, weight: rs.config.weight });
        }
      }
    }
  }
  const truncated = services.length > SEARCH_LIMIT || realServers.length > SEARCH_LIMIT || agents.length > SEARCH_LIMIT;
  return {
    query: query.trim(),
    services: services.slice(0, SEARCH_LIMIT),
    realServers: realServers.slice(0, SEARCH_LIMIT),
    agents: agents.slice(0, SEARCH_LIMIT),
    truncated,
  };
}

export function searchRoutes(router: Router, app: Dashboard): void {
  router.on("GET /api/search", ({ query }): SearchResults => {
    const q = validate(SearchQuery, query.get("q") ?? "", "search query");
    const directors = app.fleet.links().map((l) => ({
      id: l.id,
      name: l.registration.name,
      group: l.registration.group,
      role: l.registration.role,
      addresses: l.registration.addresses,
      state: l.state,
    }));
    return searchFleet(q, directors);
  });
}
