// The fleet search's answer as one flat list of links (services, then real servers, then
// realserver agents), so the keyboard can walk it and Enter can open the first one.
import type { SearchResults } from "@/protocol/dashboard/search.ts";
import { pages } from "../lib/paths.ts";

export interface SearchHitLink {
  kind: "service" | "realserver" | "agent";
  href: string;
  /** what was found: the VIP or the real server */
  title: string;
  /** where: "on dir1 (group ha)", "in TCP 172.16.0.100:80 on dir1" */
  where: string;
  testId: string;
}

const on = (name: string, group: string) => `on ${name}${group ? ` (group ${group})` : ""}`;

export function searchHits(r: SearchResults): SearchHitLink[] {
  return [
    ...r.services.map((s) => ({
      kind: "service" as const,
      href: pages.service(s.director, s.service),
      title: s.label,
      where: `${on(s.directorName, s.group)} · ${s.realServers} real server${s.realServers === 1 ? "" : "s"}`,
      testId: `search-hit-service-${s.director}-${s.service}`,
    })),
    ...r.realServers.map((h) => ({
      kind: "realserver" as const,
      href: pages.service(h.director, h.service),
      title: h.destination,
      where: `in ${h.serviceLabel} ${on(h.directorName, h.group)} · ${h.forwarding}, weight ${h.weight}`,
      testId: `search-hit-rs-${h.director}-${h.service}-${h.destination}`,
    })),
    ...r.agents.map((a) => ({
      kind: "agent" as const,
      href: pages.director(a.agent),
      title: a.address,
      where: `realserver agent ${a.name}`,
      testId: `search-hit-agent-${a.agent}`,
    })),
  ];
}

export const KIND_TEXT: Record<SearchHitLink["kind"], string> = { service: "VIP", realserver: "Real server", agent: "Agent" };
