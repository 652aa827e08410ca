// A small table for the /metrics tests: IPv4 TCP, IPv4 and IPv6 fwmark services with the same
// mark, IPv6 UDP, SCTP, a drained (weight 0) server with thresholds, and counters above 2^32.
import { spawnSync } from "node:child_process";
import type { DestinationState, ServiceKey, ServiceState, Stats } from "@/protocol/ipvs.ts";
import { FakeIpvs, keyString } from "./agent-ws-fakes.ts";

const ZERO: Stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

function stats(n: number): Stats {
  return { conns: n, inPkts: 10 * n, outPkts: 9 * n, inBytes: 1000 * n, outBytes: 2 ** 33 + n, cps: 1, inPps: 2, outPps: 3, inBps: 400, outBps: 500 };
}

function dest(address: string, port: number, weight: number, active: number, inactive: number, more: Partial<DestinationState> = {}): DestinationState {
  return {
    key: { address, port },
    config: { forwarding: "masq", weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
    activeConns: active,
    inactiveConns: inactive,
    persistConns: 0,
    stats: ZERO,
    ...more,
  };
}

function service(key: ServiceKey, destinations: DestinationState[], more: Partial<ServiceState> = {}): ServiceState {
  return {
    key,
    config: { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false },
    stats: ZERO,
    destinations,
    ...more,
  };
}

export function fixtureTable(): ServiceState[] {
  return [
    service({ protocol: "tcp", address: "10.0.0.100", port: 80 }, [
      dest("10.0.1.1", 80, 1, 3, 5, { stats: stats(7) }),
      dest("10.0.1.2", 8080, 0, 0, 2, { config: { forwarding: "route", weight: 0, upperThreshold: 100, lowerThreshold: 10, tunnel: null } }),
    ], { stats: stats(7) }),
    service({ protocol: "fwmark", fwmark: 26, family: "ipv4" }, [dest("10.0.1.1", 0, 2, 1, 0, { persistConns: 4 })], {
      config: { scheduler: "wlc", schedulerFlags: [], persistence: { timeout: 300, netmask: "255.255.255.255" }, pe: null, onePacket: false },
    }),
    service({ protocol: "fwmark", fwmark: 26, family: "ipv6" }, [dest("2001:db8::2", 0, 1, 0, 0)]),
    service({ protocol: "udp", address: "2001:db8::100", port: 53 }, [dest("2001:db8:0:1::1", 53, 5, 0, 9)]),
    service({ protocol: "sctp", address: "10.0.0.101", port: 9999 }, []),
  ];
}

export function fixtureIpvs(): FakeIpvs {
  const ipvs = new FakeIpvs();
  for (const s of fixtureTable()) ipvs.services.set(keyString(s.key), s);
  ipvs.daemons = [{ state: "master", mcastInterface: "eth1", syncId: 7 }];
  return ipvs;
}

export const FIXTURE_TOTALS = { connections: 2 ** 40 + 1, incomingPackets: 1234567, outgoingPackets: 0, incomingBytes: 99, outgoingBytes: 5 };

/** `promtool check metrics` (Debian's prometheus package) on a page: its exit status and output. */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  // a missing promtool must fail the test, not skip it
  if (r.error) throw new Error(`promtool could not run (npm run lab -- fetch installs it): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
