// GET /api/search: the header's fleet search. The matching (fwmark, exact address and port,
// a piece of "addr:port", IPv6 spellings) against hand-made tables, then the route against a
// server with one director agent and one realserver agent.
import { afterEach, describe, expect, it } from "vitest";
import type { SearchResults } from "@/protocol/dashboard/search.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { type SearchableDirector, searchFleet, searchMatcher } from "@/server/http/routes-search.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { agents, closeTestServer, registration, startServer, type TestServer, until } from "./server-helpers.ts";

function director(id: string, services: [string, ServiceKey, [string, string, number][]][], group = ""): SearchableDirector {
  const map = new Map(
    services.map(([k, key, dests]) => [
      k,
      {
        key,
        config: {} as never,
        traffic: {} as never,
        destinations: new Map(dests.map(([dk, address, port]) => [dk, { key: { address, port }, config: { forwarding: "route", weight: 1 } as never, persistConns: 0, traffic: {} as never }])),
      },
    ]),
  );
  return { id, name: id, group, role: "director", addresses: [], state: { services: map } };
}

const FLEET: SearchableDirector[] = [
  director("dir2", [["tcp:172.16.0.100:80", { protocol: "tcp", address: "172.16.0.100", port: 80 }, [["10.0.1.11:80", "10.0.1.11", 80]]]], "ha"),
  director(
    "dir1",
    [
      ["tcp:172.16.0.100:80", { protocol: "tcp", address: "172.16.0.100", port: 80 }, [["10.0.1.11:80", "10.0.1.11", 80], ["10.0.1.12:80", "10.0.1.12", 80]]],
      ["tcp:172.16.0.100:443", { protocol: "tcp", address: "172.16.0.100", port: 443 }, [["10.0.1.11:443", "10.0.1.11", 443]]],
      ["fwmark:ipv4:7", { protocol: "fwmark", family: "ipv4", fwmark: 7 }, [["10.0.1.111:0", "10.0.1.111", 0]]],
      ["udp:[2001:db8::53]:53", { protocol: "udp", address: "2001:db8::53", port: 53 }, [["[2001:db8::1:11]:53", "2001:db8::1:11", 53]]],
    ],
    "ha",
  ),
  { id: "rs1", name: "rs1", group: "", role: "realserver", addresses: ["10.0.1.11"], state: { services: new Map() } },
];

describe("searchMatcher", () => {
  it("reads fwmarks, addresses, addr:port and IPv6 in brackets; anything else is text", () => {
    expect(searchMatcher("fwmark 7")).toEqual({ kind: "fwmark", fwmark: 7 });
    expect(searchMatcher("FWMARK:7")).toEqual({ kind: "fwmark", fwmark: 7 });
    expect(searchMatcher(" 172.16.0.100 ")).toEqual({ kind: "address", address: "172.16.0.100", port: null });
    expect(searchMatcher("172.16.0.100:443")).toEqual({ kind: "address", address: "172.16.0.100", port: 443 });
    expect(searchMatcher("[2001:DB8:0::53]:53")).toEqual({ kind: "address", address: "2001:db8::53", port: 53 });
    expect(searchMatcher("172.16.0.")).toEqual({ kind: "text", text: "172.16.0." });
  });
});

describe("searchFleet", () => {
  it("an address finds its services on every director and the real servers with that address", () => {
    const r = searchFleet("172.16.0.100", FLEET);
    expect(r.services.map((s) => `${s.director} ${s.service}`)).toEqual(["dir1 tcp:172.16.0.100:443", "dir1 tcp:172.16.0.100:80", "dir2 tcp:172.16.0.100:80"]);
    expect(r.services[0]).toMatchObject({ group: "ha", label: "TCP 172.16.0.100:443", realServers: 1 });
    expect(r.realServers).toEqual([]);
  });

  it("addr:port narrows to the port; an exact address is not a prefix (10.0.1.11 is not 10.0.1.111)", () => {
    expect(searchFleet("172.16.0.100:80", FLEET).services.map((s) => s.director)).toEqual(["dir1", "dir2"]);
    const rs = searchFleet("10.0.1.11", FLEET);
    expect(rs.realServers.map((h) => `${h.director} ${h.service} ${h.destination}`)).toEqual([
      "dir1 tcp:172.16.0.100:443 10.0.1.11:443",
      "dir1 tcp:172.16.0.100:80 10.0.1.11:80",
      "dir2 tcp:172.16.0.100:80 10.0.1.11:80",
    ]);
    expect(rs.realServers[0]).toMatchObject({ serviceLabel: "TCP 172.16.0.100:443", forwarding: "route", weight: 1 });
    expect(rs.agents).toEqual([{ agent: "rs1", name: "rs1", address: "10.0.1.11" }]);
    expect(searchFleet("10.0.1.11:443", FLEET).realServers.map((h) => h.destination)).toEqual(["10.0.1.11:443"]);
  });

  it("a piece of an address matches as text; fwmark and IPv6 spellings find their service", () => {
    expect(searchFleet("10.0.1.1", FLEET).realServers).toHaveLength(0);
    expect(searchFleet("0.1.1", FLEET).realServers.map((h) => h.destination)).toEqual(["10.0.1.111:0", "10.0.1.11:443", "10.0.1.11:80", "10.0.1.12:80", "10.0.1.11:80"]);
    expect(searchFleet("fwmark 7", FLEET).services.map((s) => s.label)).toEqual(["fwmark 7 (ipv4)"]);
    expect(searchFleet("2001:0db8::53", FLEET).services.map((s) => s.service)).toEqual(["udp:[2001:db8::53]:53"]);
    expect(searchFleet("[2001:db8::1:11]:53", FLEET).realServers.map((h) => h.destination)).toEqual(["[2001:db8::1:11]:53"]);
    expect(searchFleet("nothing", FLEET)).toEqual({ query: "nothing", services: [], realServers: [], agents: [], truncated: false });
  });
});

let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  await closeTestServer(s, hs);
  s = undefined;
  hs = [];
});

describe("GET /api/search", () => {
  it("answers a viewer from the server's tables in one request; refuses an empty query and the anonymous", async () => {
    hs = await agents(1);
    s = await startServer();
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online");
    await s.api("POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "10.9.0.1", port: 80 }, config: { scheduler: "wlc" } });
    await s.api("POST", `/api/directors/d1/services/${encodeURIComponent("tcp:10.9.0.1:80")}/destinations`, { key: { address: "10.0.0.11", port: 80 }, config: { forwarding: "masq", weight: 3 } });
    const viewer = await s.client("viewer");
    const vip = await viewer.api<SearchResults>("GET", "/api/search?q=10.9.0.1");
    expect(vip.status).toBe(200);
    expect(vip.body.services).toEqual([{ director: "d1", directorName: "d1", group: "", service: "tcp:10.9.0.1:80", label: "TCP 10.9.0.1:80", realServers: 1 }]);
    const rs = await viewer.api<SearchResults>("GET", `/api/search?q=${encodeURIComponent("10.0.0.11:80")}`);
    expect(rs.body.realServers).toMatchObject([{ director: "d1", service: "tcp:10.9.0.1:80", destination: "10.0.0.11:80", forwarding: "masq", weight: 3 }]);
    expect((await viewer.api("GET", "/api/search?q=%20")).status).toBe(400);
    expect((await s.anonymous.api("GET", "/api/search?q=10.9.0.1")).status).toBe(401);
  });
});
