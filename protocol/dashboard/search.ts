// The fleet search (GET /api/search?q=): services found by their VIP (an address, addr:port or
// "fwmark N") and real servers found by their address across every director, plus the
// realserver agents registered with that address. One request: the server holds every
// director's table, so the browser does not fan out to each director.
import { z } from "zod";

export const SEARCH_QUERY_MAX = 100;
/** at most this many hits per list; `truncated` says when more matched */
export const SEARCH_LIMIT = 50;

export const SearchQuery = z.string().trim().min(1, "type a VIP or a real-server address").max(SEARCH_QUERY_MAX);

export const ServiceHit = z.object({
  director: z.string(),
  directorName: z.string(),
  group: z.string(),
  /** the service key string (serviceKeyString): the service page's URL segment */
  service: z.string(),
  /** "TCP 172.16.0.100:80", "fwmark 1 (ipv4)" */
  label: z.string(),
  realServers: z.number(),
});
export type ServiceHit = z.infer<typeof ServiceHit>;

export const RealServerHit = z.object({
  director: z.string(),
  directorName: z.string(),
  group: z.string(),
  service: z.string(),
  serviceLabel: z.string(),
  /** the real server's key string (destinationKeyString) */
  destination: z.string(),
  forwarding: z.string(),
  weight: z.number(),
});
export type RealServerHit = z.infer<typeof RealServerHit>;

export const AgentHit = z.object({ agent: z.string(), name: z.string(), address: z.string() });
export type AgentHit = z.infer<typeof AgentHit>;

export const SearchResults = z.object({
  query: z.string(),
  services: z.array(ServiceHit),
  realServers: z.array(RealServerHit),
  agents: z.array(AgentHit),
  /** a list was cut at SEARCH_LIMIT */
  truncated: z.boolean(),
});
export type SearchResults = z.infer<typeof SearchResults>;
