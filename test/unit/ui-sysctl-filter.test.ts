// The sysctls page: the filter, "differs from the default" (tabs vs spaces, unknown defaults),
// and the DR readiness summary with failures first.
import { describe, expect, it } from "vitest";
import type { ReadinessEntry, ReadinessView } from "@/protocol/dashboard/index.ts";
import type { SysctlEntry } from "@/protocol/sysctl.ts";
import { differsFromDefault, filterSysctls, sortReadiness, summarizeReadiness } from "@/components/sysctls/sysctl-filter.ts";

const rule = { kind: "int" as const, count: 1, min: 0, max: 1 };
const E: SysctlEntry[] = [
  { name: "net.ipv4.vs.conntrack", value: "1", doc: { meaning: "keep netfilter connection tracking", default: "0", rule } },
  { name: "net.ipv4.vs.expire_nodest_conn", value: "0", doc: { meaning: "expire entries of a removed real server", default: "0", rule } },
  { name: "net.ipv4.vs.sync_threshold", value: "3\t50", doc: { meaning: "sync after this many packets", default: "3 50", rule } },
  { name: "net.ipv4.conf.all.arp_ignore", value: "1", doc: { meaning: "ARP replies", default: null, rule } },
  { name: "net.ipv4.vs.new_thing", value: "7" },
];

describe("differsFromDefault", () => {
  it("compares with the documented default, whitespace-insensitive; unknown defaults never differ", () => {
    expect(E.map(differsFromDefault)).toEqual([true, false, false, false, false]);
  });
});

describe("filterSysctls", () => {
  it("matches every word in the name or the meaning, case-insensitively, and can keep only changed values", () => {
    expect(filterSysctls(E, "", false)).toHaveLength(5);
    expect(filterSysctls(E, "ARP", false).map((e) => e.name)).toEqual(["net.ipv4.conf.all.arp_ignore"]);
    expect(filterSysctls(E, "real server", false).map((e) => e.name)).toEqual(["net.ipv4.vs.expire_nodest_conn"]);
    expect(filterSysctls(E, "vs.", true).map((e) => e.name)).toEqual(["net.ipv4.vs.conntrack"]);
    expect(filterSysctls(E, "nothing-like-this", false)).toEqual([]);
  });
});

const entry = (destination: string, status: ReadinessEntry["status"], error: string | null = null): ReadinessEntry => ({ destination, address: destination.split(":")[0]!, agent: "rs", status, report: null, error });
const view = (service: string, realServers: ReadinessEntry[]): ReadinessView => ({ director: "dir1", service, vip: "172.16.0.200", realServers });

describe("readiness summary", () => {
  it("counts the statuses and lists the problems failures first", () => {
    const s = summarizeReadiness([
      view("tcp:172.16.0.200:80", [entry("10.0.0.12:80", "ready"), entry("10.0.0.11:80", "no_agent")]),
      view("tcp:172.16.0.200:443", [entry("10.0.0.11:443", "error", "timeout"), entry("10.0.0.12:443", "not_ready")]),
    ]);
    expect(s).toMatchObject({ total: 4, ready: 1, notReady: 1, failed: 1, noAgent: 1 });
    expect(s.problems).toEqual([
      "tcp:172.16.0.200:443 → 10.0.0.12:443: not ready",
      "tcp:172.16.0.200:443 → 10.0.0.11:443: check failed: timeout",
      "tcp:172.16.0.200:80 → 10.0.0.11:80: no realserver agent",
    ]);
  });

  it("sorts a service's real servers failures first and gives its worst rank", () => {
    const sorted = sortReadiness(view("s", [entry("10.0.0.13:80", "ready"), entry("10.0.0.12:80", "not_ready"), entry("10.0.0.11:80", "ready")]));
    expect(sorted.view.realServers.map((e) => e.destination)).toEqual(["10.0.0.12:80", "10.0.0.11:80", "10.0.0.13:80"]);
    expect(sorted.worst).toBe(0);
    expect(sortReadiness(view("s", [])).worst).toBe(3);
  });
});
