import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnQueryError, createConnQuery } from "@/agent/conntable/query.ts";
import type { ConnEntry, ConnQuery, ConnQueryInput } from "@/protocol/conntable.ts";
import { connEntryArb, ipv6Groups } from "./conntable-fixtures.ts";

// ---- a naive reference: holds everything, sorts everything ----

function bytesOf(address: string): number[] {
  if (!address.includes(":")) return address.split(".").map(Number);
  return ipv6Groups(address).flatMap((g) => [g >> 8, g & 255]);
}

function compareAddress(a: string, b: string): number {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x.length !== y.length) return x.length - y.length;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return 0;
}

function inCidr(address: string, cidr: string): boolean {
  const [net, len] = cidr.split("/") as [string, string];
  const a = bytesOf(address);
  const n = bytesOf(net);
  if (a.length !== n.length) return false;
  const bits = Number(len);
  for (let i = 0; i < bits; i++) {
    const bit = (v: number[]) => (v[i >> 3]! >> (7 - (i & 7))) & 1;
    if (bit(a) !== bit(n)) return false;
  }
  return true;
}

function naive(entries: ConnEntry[], q: ConnQuery) {
  const f = q.filter;
  const hits = entries.filter(
    (e) =>
      (f.protocols === undefined || f.protocols.includes(e.protocol)) &&
      (f.states === undefined || f.states.includes(e.state)) &&
      (f.templates !== "exclude" || !e.template) &&
      (f.templates !== "only" || e.template) &&
      (f.client === undefined || (f.client.includes("/") ? inCidr(e.clientAddress, f.client) : e.clientAddress === f.client)) &&
      (f.vip?.address === undefined || e.virtualAddress === f.vip.address) &&
      (f.vip?.port === undefined || e.virtualPort === f.vip.port) &&
      (f.vip?.fwmark === undefined || e.fwmark === f.vip.fwmark) &&
      (f.realServer === undefined ||
        (e.destAddress === f.realServer.address && (f.realServer.port === undefined || e.destPort === f.realServer.port))),
  );
  let ordered = hits;
  if (q.sort) {
    const s = q.sort.order === "desc" ? -1 : 1;
    const cmp: Record<string, (a: ConnEntry, b: ConnEntry) => number> = {
      expires: (a, b) => a.expires - b.expires,
      state: (a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : 0),
      client: (a, b) => compareAddress(a.clientAddress, b.clientAddress) || a.clientPort - b.clientPort,
      dest: (a, b) => compareAddress(a.destAddress, b.destAddress) || a.destPort - b.destPort,
    };
    const by = cmp[q.sort.by]!;
    ordered = [...hits].sort((a, b) => s * by(a, b)); // Array sort is stable: ties keep file order
  }
  const byState = new Map<string, number>();
  const byServer = new Map<string, { active: number; inactive: number; templates: number }>();
  const byClient = new Map<string, number>();
  for (const e of hits) {
    const k = `${e.protocol}/${e.state}`;
    byState.set(k, (byState.get(k) ?? 0) + 1);
    const sk = `${e.destAddress}|${e.destPort}`;
    const c = byServer.get(sk) ?? { active: 0, inactive: 0, templates: 0 };
    if (e.template) c.templates++;
    else if (e.protocol === "TCP" && ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "SYNACK"].includes(e.state)) c.active++;
    else if (e.protocol === "SCTP" && e.state === "ESTABLISHED") c.active++;
    else c.inactive++;
    byServer.set(sk, c);
    byClient.set(e.clientAddress, (byClient.get(e.clientAddress) ?? 0) + 1);
  }
  const top = [...byClient]
    .sort((a, b) => b[1] - a[1]) // stable: ties stay in order of first appearance
    .slice(0, q.aggregates.topClients)
    .map(([address, count]) => ({ address, count }));
  return {
    matched: hits.length,
    entries: ordered.slice(q.offset, q.offset + q.limit),
    byState,
    byServer,
    top,
  };
}

function run(entries: ConnEntry[], input: ConnQueryInput) {
  const consumer = createConnQuery(input);
  for (const e of entries) consumer.push(e);
  return consumer.result();
}

const queryArb: fc.Arbitrary<ConnQueryInput> = fc.record(
  {
    filter: fc.record(
      {
        protocols: fc.subarray(["TCP", "UDP", "SCTP", "IP", "ICMP"] as const, { minLength: 1 }),
        states: fc.subarray(["ESTABLISHED", "TIME_WAIT", "UDP", "NONE", "ASSURED", "SYN_RECV"], { minLength: 1 }),
        templates: fc.constantFrom("include", "exclude", "only") as fc.Arbitrary<"include" | "exclude" | "only">,
        client: fc.constantFrom("10.0.0.1", "10.0.0.0/24", "10.0.0.0/16", "0.0.0.0/0", "2001:db8::/32", "2001:db8::1", "fd00::/8", "192.168.1.1/32"),
        vip: fc.record({ address: fc.constantFrom("10.0.0.1", "2001:db8::2"), port: fc.constantFrom(80, 443, 0), fwmark: fc.constantFrom(0, 7) }, { requiredKeys: [] }),
        realServer: fc.record({ address: fc.constantFrom("10.0.0.2", "10.0.1.7", "fd00::1"), port: fc.option(fc.constantFrom(80, 8080), { nil: undefined }) }),
      },
      { requiredKeys: [] },
    )
      // at most two criteria at once, so that filters often match something
      .chain((full) => {
        const keys = Object.keys(full) as (keyof typeof full)[];
        return fc
          .subarray(keys, { maxLength: Math.min(2, keys.length) })
          .map((picked) => Object.fromEntries(picked.map((k) => [k, full[k]])));
      }),
    sort: fc.record({ by: fc.constantFrom("expires", "client", "state", "dest") as fc.Arbitrary<"expires">, order: fc.constantFrom("asc", "desc") as fc.Arbitrary<"asc"> }),
    offset: fc.nat(30),
    limit: fc.nat(25),
    aggregates: fc.record({ byState: fc.constant(true), byRealServer: fc.constant(true), topClients: fc.nat(5) }),
  },
  { requiredKeys: ["offset", "limit", "aggregates"] },
);

describe("query vs a naive in-memory reference", () => {
  it("filters, sorts, pages and aggregates identically on random tables", () => {
    fc.assert(
      fc.property(fc.array(connEntryArb({ small: true }), { maxLength: 150, size: "medium" }), queryArb, (entries, input) => {
        const q = createQueryParsed(input);
        const got = run(entries, input);
        const want = naive(entries, q);
        expect(got.scanned).toBe(entries.length);
        expect(got.matched).toBe(want.matched);
        expect(got.entries).toEqual(want.entries);
        expect(new Map(got.aggregates.byState!.map((r) => [`${r.protocol}/${r.state}`, r.count]))).toEqual(want.byState);
        expect(new Map(got.aggregates.byRealServer!.map((r) => [`${r.address}|${r.port}`, { active: r.active, inactive: r.inactive, templates: r.templates }]))).toEqual(want.byServer);
        expect(got.aggregates.topClients ?? []).toEqual(want.top);
      }),
      { numRuns: 400 },
    );
  });
});

function createQueryParsed(input: ConnQueryInput): ConnQuery {
  return {
    filter: input.filter ?? {},
    sort: input.sort ? { by: input.sort.by, order: input.sort.order ?? "asc" } : undefined,
    offset: input.offset ?? 0,
    limit: input.limit ?? 100,
    aggregates: { byState: false, byRealServer: false, topClients: 0, ...input.aggregates },
  };
}

describe("query edge cases", () => {
  const e = (over: Partial<ConnEntry>): ConnEntry => ({
    protocol: "TCP", clientAddress: "10.0.0.1", clientPort: 1000, virtualAddress: "10.0.0.100", virtualPort: 80,
    destAddress: "10.0.0.2", destPort: 80, state: "ESTABLISHED", expires: 10, template: false, ...over,
  });

  it("matches user-written IPv6 in any spelling against the canonical entry text", () => {
    const rows = [e({ clientAddress: "2001:db8::1" }), e({ clientAddress: "2001:db8::2" })];
    expect(run(rows, { filter: { client: "2001:0DB8:0:0:0:0:0:1" } }).matched).toBe(1);
    expect(run(rows, { filter: { realServer: { address: "10.0.0.2" } } }).matched).toBe(2);
  });

  it("counts templates apart from active/inactive, like PersistConn", () => {
    const rows = [e({}), e({ state: "TIME_WAIT" }), e({ clientPort: 0, state: "NONE", template: true }), e({ protocol: "UDP", state: "UDP" })];
    expect(run(rows, { aggregates: { byRealServer: true } }).aggregates.byRealServer).toEqual([
      { address: "10.0.0.2", port: 80, active: 1, inactive: 2, templates: 1 },
    ]);
  });

  it("rejects bad filters and limits with ConnQueryError before reading", () => {
    expect(() => createConnQuery({ filter: { client: "10.0.0.0/33" } })).toThrow(ConnQueryError);
    expect(() => createConnQuery({ filter: { client: "nonsense" } })).toThrow(ConnQueryError);
    expect(() => createConnQuery({ limit: 100000 })).toThrow(ConnQueryError);
  });

  it("keeps only offset+limit entries when sorting a large stream", () => {
    const consumer = createConnQuery({ sort: { by: "expires", order: "desc" }, offset: 5, limit: 3 });
    for (let i = 0; i < 50000; i++) consumer.push(e({ expires: (i * 7919) % 50000 }));
    expect(consumer.result().entries.map((x) => x.expires)).toEqual([49994, 49993, 49992]);
  });
});
