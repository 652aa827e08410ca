// One streaming pass of a connection-table query: filter, page (optionally sorted) and
// aggregate without holding the table. Memory: the page window (or a bounded heap of
// offset+limit entries when sorting) plus the aggregate maps.
import {
  ACTIVE_TCP_STATES,
  type ConnEntry,
  ConnQuery,
  type ConnQueryInput,
  type ConnQueryResult,
  type ConnRealServerCount,
  type ConnSortKey,
  type ConnStateCount,
} from "@/protocol/conntable.ts";
import { AddressError, addressSortKey, canonicalAddress, cidrContains, parseCidr } from "./address.ts";
import { BoundedHeap } from "./heap.ts";

export class ConnQueryError extends Error {
  override name = "ConnQueryError";
}

export interface ConnQueryConsumer {
  push(entry: ConnEntry): void;
  result(): ConnQueryResult;
}

/** Active/inactive split of section 6.8; templates count as PersistConn, apart from both. */
export function connActivity(e: ConnEntry): "active" | "inactive" | "template" {
  if (e.template) return "template";
  if (e.protocol === "TCP" && ACTIVE_TCP_STATES.includes(e.state)) return "active";
  // SCTP: the kernel counts only ESTABLISHED as active [reference 9 lists this as unverified]
  if (e.protocol === "SCTP" && e.state === "ESTABLISHED") return "active";
  return "inactive";
}

type Predicate = (e: ConnEntry) => boolean;

function canonicalOrThrow(address: string, what: string): string {
  try {
    return canonicalAddress(address);
  } catch (err) {
    throw new ConnQueryError(`${what}: ${(err as Error).message}`);
  }
}

export function compileFilter(filter: ConnQuery["filter"]): Predicate {
  const tests: Predicate[] = [];
  if (filter.protocols !== undefined) {
    const set = new Set<string>(filter.protocols);
    tests.push((e) => set.has(e.protocol));
  }
  if (filter.states !== undefined) {
    const set = new Set(filter.states);
    tests.push((e) => set.has(e.state));
  }
  if (filter.templates === "exclude") tests.push((e) => !e.template);
  if (filter.templates === "only") tests.push((e) => e.template);
  if (filter.client !== undefined) {
    const text = filter.client;
    if (text.includes("/")) {
      let cidr: ReturnType<typeof parseCidr>;
      try {
        cidr = parseCidr(text);
      } catch (err) {
        if (err instanceof AddressError) throw new ConnQueryError(`client filter: ${err.message}`);
        throw err;
      }
      tests.push((e) => cidrContains(cidr, e.clientAddress));
    } else {
      const want = canonicalOrThrow(text, "client filter");
      tests.push((e) => e.clientAddress === want);
    }
  }
  const vip = filter.vip;
  if (vip?.address !== undefined) {
    const want = canonicalOrThrow(vip.address, "vip filter");
    tests.push((e) => e.virtualAddress === want);
  }
  if (vip?.port !== undefined) {
    const port = vip.port;
    tests.push((e) => e.virtualPort === port);
  }
  if (vip?.fwmark !== undefined) {
    const mark = vip.fwmark;
    tests.push((e) => e.fwmark === mark);
  }
  if (filter.realServer !== undefined) {
    const want = canonicalOrThrow(filter.realServer.address, "real server filter");
    const port = filter.realServer.port;
    tests.push((e) => e.destAddress === want && (port === undefined || e.destPort === port));
  }
  return (e) => {
    for (const t of tests) if (!t(e)) return false;
    return true;
  };
}

function portKey(port: number): string {
  return port.toString(16).padStart(4, "0");
}

/** A key per entry whose natural order (numbers, or strings by code unit) is the sort order. */
export function sortKeyOf(by: ConnSortKey): (e: ConnEntry) => number | string {
  switch (by) {
    case "expires":
      return (e) => e.expires;
    case "state":
      return (e) => e.state;
    case "client":
      return (e) => addressSortKey(e.clientAddress) + portKey(e.clientPort);
    case "dest":
      return (e) => addressSortKey(e.destAddress) + portKey(e.destPort);
  }
}

interface Ranked {
  key: number | string;
  seq: number;
  entry: ConnEntry;
}

export function createConnQuery(input: ConnQueryInput): ConnQueryConsumer {
  const parsed = ConnQuery.safeParse(input);
  if (!parsed.success) throw new ConnQueryError(`invalid query: ${parsed.error.message}`);
  const q = parsed.data;
  const matches = compileFilter(q.filter);
  const windowEnd = q.offset + q.limit;

  let scanned = 0;
  let matched = 0;
  const page: ConnEntry[] = [];
  let heap: BoundedHeap<Ranked> | null = null;
  let keyOf: ((e: ConnEntry) => number | string) | null = null;
  if (q.sort !== undefined) {
    const sign = q.sort.order === "desc" ? -1 : 1;
    // Ties keep file order in both directions, so pages are stable.
    const compare = (a: Ranked, b: Ranked) =>
      a.key < b.key ? -sign : a.key > b.key ? sign : a.seq - b.seq;
    heap = new BoundedHeap<Ranked>(windowEnd, compare);
    keyOf = sortKeyOf(q.sort.by);
  }

  const byState = q.aggregates.byState ? new Map<string, Map<string, number>>() : null;
  const byServer = q.aggregates.byRealServer ? new Map<string, Map<number, ConnRealServerCount>>() : null;
  const byClient = q.aggregates.topClients > 0 ? new Map<string, number>() : null;

  function aggregate(e: ConnEntry): void {
    if (byState !== null) {
      let states = byState.get(e.protocol);
      if (states === undefined) {
        states = new Map();
        byState.set(e.protocol, states);
      }
      states.set(e.state, (states.get(e.state) ?? 0) + 1);
    }
    if (byServer !== null) {
      let ports = byServer.get(e.destAddress);
      if (ports === undefined) {
        ports = new Map();
        byServer.set(e.destAddress, ports);
      }
      let c = ports.get(e.destPort);
      if (c === undefined) {
        c = { address: e.destAddress, port: e.destPort, active: 0, inactive: 0, templates: 0 };
        ports.set(e.destPort, c);
      }
      const kind = connActivity(e);
      if (kind === "active") c.active++;
      else if (kind === "inactive") c.inactive++;
      else c.templates++;
    }
    if (byClient !== null) byClient.set(e.clientAddress, (byClient.get(e.clientAddress) ?? 0) + 1);
  }

  return {
    push(e) {
      scanned++;
      if (!matches(e)) return;
      const seq = matched++;
      aggregate(e);
      if (heap !== null && keyOf !== null) {
        if (windowEnd > 0) heap.offer({ key: keyOf(e), seq, entry: e });
      } else if (seq >= q.offset && seq < windowEnd) {
        page.push(e);
      }
    },
    result() {
      const entries = heap !== null ? heap.sorted().slice(q.offset).map((r) => r.entry) : page.slice();
      const aggregates: ConnQueryResult["aggregates"] = {};
      if (byState !== null) {
        const rows: ConnStateCount[] = [];
        for (const [protocol, states] of byState) {
          for (const [state, count] of states) rows.push({ protocol: protocol as ConnStateCount["protocol"], state, count });
        }
        rows.sort((a, b) => (a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : a.state < b.state ? -1 : 1));
        aggregates.byState = rows;
      }
      if (byServer !== null) {
        const rows: ConnRealServerCount[] = [];
        for (const ports of byServer.values()) rows.push(...ports.values());
        const keyed = rows.map((r) => ({ k: addressSortKey(r.address) + portKey(r.port), r }));
        keyed.sort((a, b) => (a.k < b.k ? -1 : 1));
        aggregates.byRealServer = keyed.map((x) => x.r);
      }
      if (byClient !== null) {
        aggregates.topClients = topClients(byClient, q.aggregates.topClients);
      }
      return { scanned, matched, offset: q.offset, entries, aggregates };
    },
  };
}

/** The N clients with most entries; ties in order of first appearance, so the answer is deterministic. */
function topClients(counts: Map<string, number>, n: number): { address: string; count: number }[] {
  const heap = new BoundedHeap<{ address: string; count: number; seq: number }>(n, (a, b) =>
    a.count !== b.count ? b.count - a.count : a.seq - b.seq,
  );
  let seq = 0;
  for (const [address, count] of counts) heap.offer({ address, count, seq: seq++ }); // Map order = first seen
  return heap.sorted().map(({ address, count }) => ({ address, count }));
}
