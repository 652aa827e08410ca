// The IPVS part of the agent's /metrics, from ONE listing of the table (compact rows, the
// streamed service.list.compact path) and /proc/net/ip_vs_stats: node_exporter's node_ipvs_*
// series with its exact names, help, types and labels, then ours under lvs_. Rendering yields
// to the event loop every few thousand samples so the WebSocket's heartbeats and requests are
// served while a big table (25,000 real servers, about 20 samples each) is written.
import type { Family } from "@/protocol/ipvs.ts";
import type { DestinationRow, ServiceRow, StatsRow } from "@/protocol/agent/compact.ts";
import { type Exposition, type MetricType, renderLabels } from "./exposition.ts";
import { backendLabels, familyOfKey, realServerInfoLabels, rsLabel, serviceInfoLabels, serviceLabelValues, vsLabel } from "./labels.ts";
import type { IpvsTotals } from "./proc-stats.ts";

/** How often rendering steps aside (samples); about a millisecond of work on a small director. */
const YIELD_EVERY = 4096;
const stepAside = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Spec<T> {
  name: string;
  type: MetricType;
  help: string;
  value: (x: T) => number;
}

/** One family over many entities, stepping aside every YIELD_EVERY samples. */
async function writeFamily<T>(out: Exposition, spec: Spec<T>, items: readonly T[], labelsOf: readonly string[]): Promise<void> {
  out.family(spec.name, spec.type, spec.help);
  for (let i = 0; i < items.length; i++) {
    out.sample(spec.name, labelsOf[i]!, spec.value(items[i]!));
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await stepAside();
  }
}

const stat = (s: StatsRow, i: number): number => (s === 0 ? 0 : s[i]!);

/** The five counters then the five estimator rates, in STATS_FIELDS order. */
function statSpecs<T>(what: string, statsOf: (x: T) => StatsRow, prefix: string): Spec<T>[] {
  const counters = ["connections", "incoming_packets", "outgoing_packets", "incoming_bytes", "outgoing_bytes"];
  const words = ["Connections", "Packets in", "Packets out", "Bytes in", "Bytes out"];
  return [
    ...counters.map((c, i): Spec<T> => ({
      name: `${prefix}_${c}_total`,
      type: "counter",
      help: `${words[i]} of this ${what} since it was added or zeroed (the kernel's 64-bit counter, from netlink).`,
      value: (x) => stat(statsOf(x), i),
    })),
    ...counters.map((c, i): Spec<T> => ({
      name: `${prefix}_${c}_per_second`,
      type: "gauge",
      help: `${words[i]} per second of this ${what}, the kernel's rate estimator (2 s tick, as ipvsadm --rate shows).`,
      value: (x) => stat(statsOf(x), 5 + i),
    })),
  ];
}

interface Dest {
  row: DestinationRow;
}
const D = { weight: 3, upper: 4, lower: 5, active: 7, inactive: 8, persistent: 9, stats: 10 } as const;


/**
 * Per real server beyond node_exporter's three series: the five 64-bit counters (rate() gives
 * the rates; the kernel's estimator rates are written per service only, to keep a 25,000
 * server page small), persistence templates and the weight-0 state. Thresholds and the
 * forwarding method are labels of lvs_real_server_info.
 */
const DEST_SPECS: Spec<Dest>[] = [
  {
    name: "lvs_real_server_weight_zero",
    type: "gauge",
    help: "1 when the kernel weight is 0 (no new connections: drained by an operator or configured so); the agent sees only the kernel's weight and cannot tell which.",
    value: (d) => (d.row[D.weight] === 0 ? 1 : 0),
  },
  { name: "lvs_real_server_connections_persistent", type: "gauge", help: "Persistence templates pointing at this real server.", value: (d) => d.row[D.persistent] },
  ...statSpecs<Dest>("real server", (d) => d.row[D.stats], "lvs_real_server").slice(0, 5),
];

const SERVICE_STAT_SPECS = statSpecs<ServiceRow>("virtual service", (s) => s[6], "lvs_service");

function writeTotals(out: Exposition, t: IpvsTotals): void {
  // node_exporter 1.5.0's names and help strings, word for word
  const totals: [string, string, number][] = [
    ["node_ipvs_connections_total", "The total number of connections made.", t.connections],
    ["node_ipvs_incoming_packets_total", "The total number of incoming packets.", t.incomingPackets],
    ["node_ipvs_outgoing_packets_total", "The total number of outgoing packets.", t.outgoingPackets],
    ["node_ipvs_incoming_bytes_total", "The total amount of incoming data.", t.incomingBytes],
    ["node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.", t.outgoingBytes],
  ];
  for (const [name, help, v] of totals) out.family(name, "counter", help).sample(name, "", v);
}

interface Backend {
  active: number;
  inactive: number;
  weight: number;
}

export async function writeIpvsSeries(out: Exposition, rows: readonly ServiceRow[], totals: IpvsTotals | null): Promise<void> {
  // like node_exporter: without /proc/net/ip_vs_stats (no ip_vs) there are no node_ipvs series
  if (totals) writeTotals(out, totals);
  const dests: Dest[] = [];
  const destLabels: string[] = [];
  const svcLabels: string[] = [];
  const infoLabels: string[] = [];
  const destInfoLabels: string[] = [];
  // node_exporter adds up real servers whose six labels are equal (an IPv4 and an IPv6 fwmark
  // service with the same mark and server), so do we
  const backends = new Map<string, Backend>();
  let sinceYield = 0;
  for (const svc of rows) {
    const [key, scheduler, , persistence] = svc;
    const family: Family = familyOfKey(key);
    const sv = serviceLabelValues(key);
    const vs = vsLabel(key);
    svcLabels.push(renderLabels([["vs", vs]]));
    infoLabels.push(serviceInfoLabels(vs, sv, family, persistence !== null, scheduler));
    for (const row of svc[7]) {
      const b = backendLabels(sv, row[0], row[1]);
      const sum = backends.get(b);
      if (sum) {
        sum.active += row[D.active];
        sum.inactive += row[D.inactive];
        sum.weight += row[D.weight];
      } else backends.set(b, { active: row[D.active], inactive: row[D.inactive], weight: row[D.weight] });
      dests.push({ row });
      const rs = rsLabel(row[0], row[1]);
      destLabels.push(`{rs="${rs}",vs="${vs}"}`);
      destInfoLabels.push(realServerInfoLabels(vs, rs, sv, { address: row[0], port: row[1], forwarding: row[2], lower: row[D.lower], upper: row[D.upper] }));
    }
    sinceYield += 1 + svc[7].length;
    if (sinceYield >= YIELD_EVERY / 8) {
      sinceYield = 0;
      await stepAside();
    }
  }
  if (totals) {
    const keys = [...backends.keys()];
    const sums = [...backends.values()];
    const help = (what: string) => `The current ${what} by local and remote address.`;
    await writeFamily(out, { name: "node_ipvs_backend_connections_active", type: "gauge", help: help("active connections"), value: (b: Backend) => b.active }, sums, keys);
    await writeFamily(out, { name: "node_ipvs_backend_connections_inactive", type: "gauge", help: help("inactive connections"), value: (b: Backend) => b.inactive }, sums, keys);
    await writeFamily(out, { name: "node_ipvs_backend_weight", type: "gauge", help: help("backend weight"), value: (b: Backend) => b.weight }, sums, keys);
  }

  await writeFamily(out, { name: "lvs_service_info", type: "gauge", help: "1 for each virtual service: maps vs to node_exporter's labels; its scheduler and whether it is persistent as labels.", value: () => 1 }, rows, infoLabels);
  const persistence = (s: ServiceRow) => s[3]?.timeout ?? 0;
  await writeFamily(out, { name: "lvs_service_persistence_timeout_seconds", type: "gauge", help: "Persistence timeout (0 = not persistent).", value: persistence }, rows, svcLabels);
  await writeFamily(out, { name: "lvs_service_real_servers", type: "gauge", help: "Real servers of this virtual service.", value: (s: ServiceRow) => s[7].length }, rows, svcLabels);
  for (const spec of SERVICE_STAT_SPECS) await writeFamily(out, spec, rows, svcLabels);
  await writeFamily(out, { name: "lvs_real_server_info", type: "gauge", help: "1 for each real server: maps vs and rs to node_exporter's labels; its forwarding method and connection thresholds (0 = none) as labels.", value: () => 1 }, dests, destInfoLabels);
  for (const spec of DEST_SPECS) await writeFamily(out, spec, dests, destLabels);

  // the connection table by state, added up from the destination dump (no /proc/net/ip_vs_conn
  // read: that costs a pass over every connection, this costs nothing more)
  let active = 0;
  let inactive = 0;
  let persistent = 0;
  for (const d of dests) {
    active += d.row[D.active];
    inactive += d.row[D.inactive];
    persistent += d.row[D.persistent];
  }
  const name = "lvs_connections";
  out.family(name, "gauge", "Connection table entries by state, summed over the real servers: active (TCP ESTABLISHED), inactive (every other state, UDP included), persistent (persistence templates).");
  out.sample(name, renderLabels([["state", "active"]]), active);
  out.sample(name, renderLabels([["state", "inactive"]]), inactive);
  out.sample(name, renderLabels([["state", "persistent"]]), persistent);
}
