// The charts' Prometheus source (server/history/): which ranges go to Prometheus, the queries
// it sends, how replies land on the time axis, and each failure: unreachable, timed out,
// refused, not JSON, not a matrix. Prometheus here is a small HTTP server speaking its
// query_range API; the real one (Debian's) answers in test/lab/prometheus.test.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HistoryRange } from "@/protocol/dashboard/index.ts";
import { PrometheusClient, parsePrometheusUrl } from "@/server/history/prometheus.ts";
import { HistorySource } from "@/server/history/source.ts";
import { HistoryStore } from "@/server/history/store.ts";
import { type Db, openDatabase } from "@/server/store/db.ts";

const SERVICE = { protocol: "tcp", address: "10.0.0.100", port: 80 } as const;
const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const POINT = { cps: 1, inPps: 2, outPps: 3, inBps: 4, outBps: 5, activeConns: 6, inactiveConns: 7 };

type Reply = (form: URLSearchParams, res: ServerResponse) => void;
let reply: Reply;
let seen: URLSearchParams[];
let server: Server;
let url: string;
let dir: string;
let db: Db;
let store: HistoryStore;

beforeEach(async () => {
  seen = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      expect(req.url).toBe("/prom/api/v1/query_range");
      const form = new URLSearchParams(body);
      seen.push(form);
      reply(form, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prom`;
  dir = mkdtempSync(join(tmpdir(), "lvs-fleet-prom-"));
  db = openDatabase(dir);
  store = new HistoryStore(db);
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** A matrix with one sample per step; the value tells the query (its index) and the rs. */
function matrixReply(form: URLSearchParams, res: ServerResponse) {
  const start = Number(form.get("start"));
  const end = Number(form.get("end"));
  const step = Number(form.get("step"));
  const q = form.get("query")!;
  const perRs = q.startsWith("sum by (rs)");
  const values = (v: number) => {
    const out: [number, string][] = [];
    for (let t = start; t <= end; t += step) out.push([t, String(v)]);
    return out;
  };
  const result = perRs
    ? [
        { metric: { rs: "10.0.1.1:80" }, values: values(1) },
        { metric: { rs: "[2001:db8::1]:80" }, values: values(2) },
      ]
    : [{ metric: {}, values: values(q.includes("connections_total") ? 10 : 20) }];
  json(res, 200, { status: "success", data: { resultType: "matrix", result } });
}

function source(timeoutMs = 2000) {
  return new HistorySource(store, new PrometheusClient({ url, timeoutMs }));
}

const req = (range: HistoryRange) => ({
  directorId: "dir1",
  service: SERVICE,
  serviceString: "tcp:10.0.0.100:80",
  range,
  destinationOf: (rs: string) => (rs === "10.0.1.1:80" ? "10.0.1.1:80" : `key(${rs})`),
  nowMs: NOW,
});

describe("which ranges come from Prometheus", () => {
  it("15m and 1h always SQLite; 24h and 7d when SQLite does not reach back; 30d always", () => {
    const s = source();
    for (const r of ["15m", "1h"] as const) expect(s.usesPrometheus(req(r))).toBe(false);
    for (const r of ["24h", "7d", "30d"] as const) expect(s.usesPrometheus(req(r))).toBe(true);
    // two days of rollups: 24h is SQLite's, 7d still Prometheus's
    store.record("dir1", NOW - 2 * 86400_000, [{ service: "tcp:10.0.0.100:80", destination: "", point: POINT }]);
    store.flush(NOW);
    expect(s.usesPrometheus(req("24h"))).toBe(false);
    expect(s.usesPrometheus(req("7d"))).toBe(true);
    expect(s.usesPrometheus(req("30d"))).toBe(true);
  });
  it("without --prometheus: SQLite, and 30d is refused with what to do", async () => {
    const s = new HistorySource(store, null);
    expect(s.usesPrometheus(req("7d"))).toBe(false);
    expect((await s.query(req("7d"))).source).toBe("sqlite");
    await expect(s.query(req("30d"))).rejects.toThrow(/--prometheus/);
  });
});

describe("a range from Prometheus", () => {
  it("asks query_range for the service's and its real servers' series and fills the axis", async () => {
    reply = matrixReply;
    const h = await source().query(req("7d"));
    expect(h.source).toBe("prometheus");
    expect(h.prometheusUrl).toBe(url);
    expect(h.step).toBe(900);
    expect(h.time).toHaveLength(672);
    expect(h.time.at(-1)).toBe(Math.floor(NOW / 1000 / 900) * 900);
    expect(h.total.cps.every((v) => v === 10)).toBe(true);
    expect(h.total.inBps.every((v) => v === 20)).toBe(true);
    expect(Object.keys(h.destinations).sort()).toEqual(["10.0.1.1:80", "key([2001:db8::1]:80)"]);
    expect(h.destinations["10.0.1.1:80"]!.activeConns.every((v) => v === 1)).toBe(true);
    const queries = seen.map((f) => f.get("query")!);
    expect(queries).toHaveLength(14);
    expect(queries).toContain('sum(rate(lvs_service_connections_total{director_id="dir1",vs="tcp/10.0.0.100:80"}[900s]))');
    expect(queries).toContain('sum by (rs) (rate(lvs_real_server_outgoing_bytes_total{director_id="dir1",vs="tcp/10.0.0.100:80"}[900s]))');
    expect(queries.some((q) => q.includes("node_ipvs_backend_connections_active") && q.includes("group_left(rs) lvs_real_server_info"))).toBe(true);
    for (const f of seen) expect([f.get("step"), Number(f.get("end")) - Number(f.get("start"))]).toEqual(["900", 671 * 900]);
  });
  it("a director's total uses node_exporter's namespace totals", async () => {
    reply = matrixReply;
    const h = await source().query({ ...req("30d"), service: null, serviceString: "" });
    expect(h.step).toBe(3600);
    expect(h.destinations).toEqual({});
    expect(seen.map((f) => f.get("query"))).toContain('sum(rate(node_ipvs_connections_total{director_id="dir1"}[3600s]))');
  });
  it("NaN, infinities and off-grid samples leave gaps, not numbers", async () => {
    reply = (form, res) => {
      const end = Number(form.get("end"));
      json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values: [[end - 900, "NaN"], [end - 450, "5"], [end, "+Inf"]] }] } });
    };
    const h = await source().query(req("7d"));
    expect(h.total.cps.filter((v) => v !== null)).toEqual([]);
  });
});

describe("when Prometheus fails, the chart says so and shows SQLite's points", () => {
  const cases: [string, Reply | "closed" | "silent", RegExp][] = [
    ["unreachable", "closed", /is unreachable \(ECONNREFUSED\)/],
    ["silent", "silent", /did not answer within 0.5 s/],
    ["refused", (_f, res) => json(res, 400, { status: "error", errorType: "bad_data", error: "parse error" }), /refused the query \(HTTP 400, bad_data\): parse error/],
    ["not JSON", (_f, res) => res.writeHead(502).end("<html>bad gateway</html>"), /HTTP 502 with a body that is not JSON/],
    ["a vector, not a matrix", (_f, res) => json(res, 200, { status: "success", data: { resultType: "vector", result: [] } }), /not a query_range matrix \(data.resultType/],
    ["a sample that is not [time, string]", (_f, res) => json(res, 200, { status: "success", data: { resultType: "matrix", result: [{ metric: {}, values: [[1, 2]] }] } }), /not a query_range matrix/],
    ["an HTTP error with a success body", (_f, res) => json(res, 503, { status: "success" }), /answered HTTP 503/],
  ];
  it.each(cases)("%s", async (_name, how, message) => {
    if (how === "closed") {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      server = createServer();
      server.listen(0);
    } else if (how === "silent") reply = () => {};
    else reply = how;
    store.record("dir1", NOW - 60_000, [{ service: "tcp:10.0.0.100:80", destination: "", point: POINT }]);
    const t0 = Date.now();
    const h = await source(500).query(req("7d"));
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(h.source).toBe("sqlite");
    expect(h.sourceError).toMatch(message);
    expect(h.sourceError).toContain(url);
    expect(h.total.cps.filter((v) => v !== null)).toEqual([1]);
  });
});

describe("--prometheus URL", () => {
  it.each(["ftp://p:9090", "http://user:pw@p:9090", "http://p:9090/?x=1", "not a url"])("refuses %s", (u) => {
    expect(() => parsePrometheusUrl(u)).toThrow(/--prometheus/);
  });
  it("keeps a path prefix, drops a trailing slash", () => {
    expect(parsePrometheusUrl("http://prom.example:9090/prometheus/")).toBe("http://prom.example:9090/prometheus");
  });
});
