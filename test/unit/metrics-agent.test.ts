import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writeHealth, writeVrrp } from "@/agent/metrics/agent-series.ts";
import { metricsRenderer } from "@/agent/metrics/collector.ts";
import { Exposition } from "@/agent/metrics/exposition.ts";
import { goIpString } from "@/agent/metrics/labels.ts";
import { NetlinkErrorCounts, countingErrors } from "@/agent/metrics/netlink-errors.ts";
import { ProcStatsError, parseIpvsStats } from "@/agent/metrics/proc-stats.ts";
import { AGENT_VERSION } from "@/agent/metrics/version.ts";
import type { HaStatus } from "@/protocol/ha.ts";
import { FIXTURE_TOTALS, fixtureIpvs, promtoolCheckMetrics } from "./metrics-fixtures.ts";

const INFO = { version: "0.1.0", role: "director", startedAt: 1_000_000 };

function page(more: Partial<Parameters<typeof metricsRenderer>[0]> = {}) {
  return metricsRenderer({ ipvs: fixtureIpvs(), info: INFO, totals: async () => FIXTURE_TOTALS, now: () => 1_060_000, ...more })();
}

/** node_exporter 1.5.0's IPVS families for the fixture table, by hand from its collector. */
const NODE_IPVS_GOLDEN = `
# HELP node_ipvs_connections_total The total number of connections made.
# TYPE node_ipvs_connections_total counter
node_ipvs_connections_total 1099511627777
# HELP node_ipvs_incoming_packets_total The total number of incoming packets.
# TYPE node_ipvs_incoming_packets_total counter
node_ipvs_incoming_packets_total 1234567
# HELP node_ipvs_outgoing_packets_total The total number of outgoing packets.
# TYPE node_ipvs_outgoing_packets_total counter
node_ipvs_outgoing_packets_total 0
# HELP node_ipvs_incoming_bytes_total The total amount of incoming data.
# TYPE node_ipvs_incoming_bytes_total counter
node_ipvs_incoming_bytes_total 99
# HELP node_ipvs_outgoing_bytes_total The total amount of outgoing data.
# TYPE node_ipvs_outgoing_bytes_total counter
node_ipvs_outgoing_bytes_total 5
# HELP node_ipvs_backend_connections_active The current active connections by local and remote address.
# TYPE node_ipvs_backend_connections_active gauge
node_ipvs_backend_connections_active{local_address="10.0.0.100",local_mark="",local_port="80",proto="TCP",remote_address="10.0.1.1",remote_port="80"} 3
node_ipvs_backend_connections_active{local_address="10.0.0.100",local_mark="",local_port="80",proto="TCP",remote_address="10.0.1.2",remote_port="8080"} 0
node_ipvs_backend_connections_active{local_address="",local_mark="0000001A",local_port="0",proto="FWM",remote_address="10.0.1.1",remote_port="0"} 1
node_ipvs_backend_connections_active{local_address="",local_mark="0000001A",local_port="0",proto="FWM",remote_address="2001:db8::2",remote_port="0"} 0
node_ipvs_backend_connections_active{local_address="2001:db8::100",local_mark="",local_port="53",proto="UDP",remote_address="2001:db8:0:1::1",remote_port="53"} 0
# HELP node_ipvs_backend_connections_inactive The current inactive connections by local and remote address.
# TYPE node_ipvs_backend_connections_inactive gauge
node_ipvs_backend_connections_inactive{local_address="10.0.0.100",local_mark="",local_port="80",proto="TCP",remote_address="10.0.1.1",remote_port="80"} 5
node_ipvs_backend_connections_inactive{local_address="10.0.0.100",local_mark="",local_port="80",proto="TCP",remote_address="10.0.1.2",remote_port="8080"} 2
node_ipvs_backend_connections_inactive{local_address="",local_mark="0000001A",local_port="0",proto="FWM",remote_address="10.0.1.1",remote_port="0"} 0
node_ipvs_backend_connections_inactive{local_address="",local_mark="0000001A",local_port="0",proto="FWM",remote_address="2001:db8::2",remote_port="0"} 0
node_ipvs_backend_connections_inactive{local_address="2001:db8::100",local_mark="",local_port="53",proto="UDP",remote_address="2001:db8:0:1::1",remote_port="53"} 9
# HELP node_ipvs_backend_weight The current backend weight by local and remote address.
`.trimStart();

describe("agent /metrics page", () => {
  it("writes node_exporter's IPVS series exactly (names, help, types, labels, values)", async () => {
    const text = await page();
    expect(text.startsWith(NODE_IPVS_GOLDEN)).toBe(true);
    // SCTP is named (node_exporter folds its servers into the service above), fwmark is %08X
    expect(text).toContain('lvs_service_info{family="ipv4",local_address="10.0.0.101",local_mark="",local_port="9999",persistent="no",proto="SCTP",scheduler="rr",vs="sctp/10.0.0.101:9999"} 1\n');
    expect(text).toContain('lvs_service_info{family="ipv6",local_address="",local_mark="0000001A",local_port="0",persistent="no",proto="FWM",scheduler="rr",vs="fwmark/26/ipv6"} 1\n');
  });

  it("writes our lvs_ series: counters, rates, thresholds, weight-0 state, table by state, sync daemons, agent", async () => {
    const text = await page();
    for (const line of [
      'lvs_real_server_outgoing_bytes_total{rs="10.0.1.1:80",vs="tcp/10.0.0.100:80"} 8589934599',
      'lvs_real_server_weight_zero{rs="10.0.1.2:8080",vs="tcp/10.0.0.100:80"} 1',
      'lvs_real_server_weight_zero{rs="10.0.1.1:80",vs="tcp/10.0.0.100:80"} 0',
      'lvs_real_server_connections_persistent{rs="10.0.1.1:0",vs="fwmark/26/ipv4"} 4',
      'lvs_real_server_info{forwarding="route",local_address="10.0.0.100",local_mark="",local_port="80",lower_threshold="10",proto="TCP",remote_address="10.0.1.2",remote_port="8080",rs="10.0.1.2:8080",upper_threshold="100",vs="tcp/10.0.0.100:80"} 1',
      'lvs_real_server_info{forwarding="masq",local_address="2001:db8::100",local_mark="",local_port="53",lower_threshold="0",proto="UDP",remote_address="2001:db8:0:1::1",remote_port="53",rs="[2001:db8:0:1::1]:53",upper_threshold="0",vs="udp/[2001:db8::100]:53"} 1',
      'lvs_service_connections_total{vs="tcp/10.0.0.100:80"} 7',
      'lvs_service_incoming_bytes_per_second{vs="tcp/10.0.0.100:80"} 400',
      'lvs_service_persistence_timeout_seconds{vs="fwmark/26/ipv4"} 300',
      'lvs_connections{state="active"} 4',
      'lvs_connections{state="inactive"} 16',
      'lvs_connections{state="persistent"} 4',
      'lvs_sync_daemon_running{state="master"} 1',
      'lvs_sync_daemon_running{state="backup"} 0',
      'lvs_sync_daemon_info{mcast_interface="eth1",state="master",sync_id="7"} 1',
      `lvs_agent_build_info{node_version="${process.versions.node}",role="director",version="0.1.0"} 1`,
      "lvs_agent_uptime_seconds 60",
      'lvs_agent_scrape_success{part="ipvs"} 1',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
  });

  it("is clean under promtool check metrics", async () => {
    const r = promtoolCheckMetrics(await page());
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("reads the table once per scrape, and concurrent scrapes share it", async () => {
    const ipvs = fixtureIpvs();
    const render = metricsRenderer({ ipvs, info: INFO, totals: async () => FIXTURE_TOTALS });
    await Promise.all([render(), render(), render()]);
    expect(ipvs.listCalls).toBe(1);
    await render();
    expect(ipvs.listCalls).toBe(2);
  });

  it("answers without the IPVS series when the listing fails, and says so", async () => {
    const ipvs = fixtureIpvs();
    ipvs.listServices = async () => {
      throw new Error("netlink down");
    };
    const text = await page({ ipvs });
    expect(text).not.toContain("node_ipvs_backend_weight");
    expect(text).toContain('lvs_agent_scrape_success{part="ipvs"} 0\n');
    expect(promtoolCheckMetrics(text).status).toBe(0);
  });

  it("a realserver agent (no IPVS) writes only its own series", async () => {
    const text = await page({ ipvs: null });
    expect(text).not.toMatch(/node_ipvs|lvs_service|lvs_sync/);
    expect(text).toContain("lvs_agent_build_info");
  });

  it("writes VRRP state from agent/ha's status and health-check state from agent/health's", async () => {
    const ha = {
      instances: [{ name: "VI_1", interface: "eth0", virtualRouterId: 51, priority: 100, state: "MASTER", since: 1, vips: ["10.0.0.100/32"], vipsHeld: ["10.0.0.100/32"] }],
      keepalived: { mode: "managed", running: true, pid: 42, configFile: "k.conf", startedAt: 1, error: null, logTail: [] },
    } as unknown as HaStatus;
    const health = {
      realServers: [{ service: { protocol: "tcp" as const, address: "10.0.0.100", port: 80 }, key: { address: "10.0.1.1", port: 80 }, state: "down", lastResult: { latencyMs: 250 }, consecutiveFailures: 3 }],
    };
    const text = await page({ haStatus: async () => ha, healthStatus: async () => health });
    expect(text).toContain('lvs_vrrp_state{interface="eth0",state="MASTER",virtual_router_id="51",vrrp_instance="VI_1"} 1\n');
    expect(text).toContain('lvs_vrrp_state{interface="eth0",state="BACKUP",virtual_router_id="51",vrrp_instance="VI_1"} 0\n');
    expect(text).toContain('lvs_keepalived_running{mode="managed"} 1\n');
    const rs = 'rs="10.0.1.1:80"';
    const vs = 'vs="tcp/10.0.0.100:80"';
    expect(text).toContain(`lvs_health_check_state{${rs},state="down",${vs}} 1\n`);
    expect(text).toContain(`lvs_health_check_latency_seconds{${rs},${vs}} 0.25\n`);
    expect(text).toContain(`lvs_health_check_consecutive_failures{${rs},${vs}} 3\n`);
    expect(promtoolCheckMetrics(text).status).toBe(0);
    // each writer alone too (no duplicate families when both run)
    expect(() => writeVrrp(new Exposition(), ha)).not.toThrow();
    expect(() => writeHealth(new Exposition(), health)).not.toThrow();
  });

  it("counts failed IPVS calls by operation and errno name (validation refusals are not netlink errors)", async () => {
    const counts = new NetlinkErrorCounts();
    const ipvs = countingErrors(fixtureIpvs(), counts);
    await expect(ipvs.deleteService({ protocol: "tcp", address: "10.9.9.9", port: 1 })).rejects.toThrow();
    await expect(ipvs.deleteService({ protocol: "tcp", address: "10.9.9.9", port: 1 })).rejects.toThrow();
    const text = await page({ ipvs, errors: counts });
    expect(text).toContain('lvs_agent_netlink_errors_total{code="ESRCH",op="deleteService"} 2\n');
    expect((await ipvs.listServices()).length).toBe(5);
  });

  it("AGENT_VERSION is package.json's version", () => {
    expect(AGENT_VERSION).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });
});

describe("/proc/net/ip_vs_stats", () => {
  // as a 6.1 kernel prints it (ip_vs_stats_show)
  const sample =
    "   Total Incoming Outgoing         Incoming         Outgoing\n" +
    "   Conns  Packets  Packets            Bytes            Bytes\n" +
    "      1A      3E8        0         10000000000            FF\n\n" +
    " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n" +
    "       0        0        0                0                0\n";
  it("reads the five hexadecimal totals of the third line (procfs's parser)", () => {
    expect(parseIpvsStats(sample)).toEqual({ connections: 26, incomingPackets: 1000, outgoingPackets: 0, incomingBytes: 2 ** 40, outgoingBytes: 255 });
  });
  it("refuses a short or malformed file", () => {
    expect(() => parseIpvsStats("a\nb\n")).toThrow(ProcStatsError);
    expect(() => parseIpvsStats(sample.replace("3E8", "xyz"))).toThrow(ProcStatsError);
  });
});

describe("addresses as Go's net.IP.String() writes them", () => {
  it.each([
    ["10.1.2.3", "10.1.2.3"],
    ["2001:db8::1", "2001:db8::1"],
    ["2001:0DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::", "::"],
    ["::1", "::1"],
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["::10.0.0.1", "::a00:1"],
    ["fe80::", "fe80::"],
  ])("%s -> %s", (input, go) => {
    expect(goIpString(input)).toBe(go);
  });
});
