// The header search's answer as links: services, then real servers, then agents, each to
// the page that shows it (service keys encoded as the pages expect).
import { describe, expect, it } from "vitest";
import { searchHits } from "@/components/search/search-hits.ts";

describe("searchHits", () => {
  it("links services and real servers to the service page and agents to their page", () => {
    const hits = searchHits({
      query: "10.0.1.11",
      services: [{ director: "dir1", directorName: "dir1", group: "ha", service: "tcp:172.16.0.100:80", label: "TCP 172.16.0.100:80", realServers: 2 }],
      realServers: [{ director: "dir2", directorName: "dir two", group: "", service: "tcp:172.16.0.100:80", serviceLabel: "TCP 172.16.0.100:80", destination: "10.0.1.11:80", forwarding: "route", weight: 1 }],
      agents: [{ agent: "rs1", name: "rs1", address: "10.0.1.11" }],
      truncated: false,
    });
    expect(hits.map((h) => [h.kind, h.href, h.title, h.where])).toEqual([
      ["service", "/directors/dir1/services/tcp%3A172.16.0.100%3A80", "TCP 172.16.0.100:80", "on dir1 (group ha) · 2 real servers"],
      ["realserver", "/directors/dir2/services/tcp%3A172.16.0.100%3A80", "10.0.1.11:80", "in TCP 172.16.0.100:80 on dir two · route, weight 1"],
      ["agent", "/directors/rs1", "10.0.1.11", "realserver agent rs1"],
    ]);
  });
});
