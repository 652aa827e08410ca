import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpSdTargets } from "@/server/metrics/targets.ts";
import { MetricsTokenError, bearerMatches, metricsTokenSource, readMetricsToken } from "@/server/metrics/token.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { promtoolCheckMetrics } from "./metrics-fixtures.ts";
import { type TestServer, agents, closeTestServer, registration, startServer, until } from "./server-helpers.ts";

const METRICS_TOKEN = "metrics-token-0123456789";

describe("server GET /metrics and /api/prometheus/targets", () => {
  let s: TestServer;
  let hs: Harness[];
  beforeAll(async () => {
    hs = await agents(2);
    s = await startServer({ metricsToken: () => METRICS_TOKEN });
    for (const [i, h] of hs.entries()) {
      const r = await s.api("POST", "/api/directors", registration(h, `dir${i + 1}`, { group: i === 0 ? "pair-a" : "" }));
      expect(r.status).toBe(201);
    }
    await until(() => s.app.fleet.links().every((l) => l.link === "online"), 10_000, "links online");
  });
  afterAll(async () => {
    await closeTestServer(s, hs);
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${s.url}${path}`, { headers });

  it("401 without the token, with a wrong one, with a session cookie only; never the data", async () => {
    for (const path of ["/metrics", "/api/prometheus/targets"]) {
      for (const headers of [{}, { authorization: "Bearer wrong" }, { authorization: `Basic ${METRICS_TOKEN}` }, { cookie: s.cookie }] as Record<string, string>[]) {
        const r = await get(path, headers);
        expect(r.status).toBe(401);
        expect(await r.text()).not.toMatch(/lvs_fleet|targets/);
      }
    }
  });

  it("serves the agents' link state, requests and latency, live sockets, drains and audit writes; promtool-clean", async () => {
    await s.api("GET", "/api/directors");
    const r = await get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await r.text();
    expect(text).toMatch(/\nlvs_fleet_agent_link_state\{director="dir1",director_id="[^"]+",group="pair-a",state="online"\} 1\n/);
    expect(text).toContain('\nlvs_fleet_agents{state="online"} 2\n');
    expect(text).toMatch(/\nlvs_fleet_http_requests_total\{code="2xx",method="GET",route="\/api\/directors"\} [1-9]/);
    expect(text).toMatch(/\nlvs_fleet_http_request_duration_seconds_bucket\{method="GET",route="\/api\/directors",le="\+Inf"\} [1-9]/);
    expect(text).toMatch(/\nlvs_fleet_http_requests_total\{code="2xx",method="POST",route="\/api\/directors"\} 2\n/);
    expect(text).toContain("\nlvs_fleet_live_sockets 0\n");
    expect(text).toContain('\nlvs_fleet_drain_jobs{state="draining"} 0\n');
    // two director registrations are audited changes
    expect(text).toMatch(/\nlvs_fleet_audit_writes_total\{kind="(begin|record)"\} [1-9]/);
    const check = promtoolCheckMetrics(text);
    expect(check.output).toBe("");
    expect(check.status).toBe(0);
  });

  it("a client's made-up method or path does not make new series", async () => {
    await fetch(`${s.url}/api/no/such/route/${Math.random()}`, { method: "PROPFIND" });
    const text = await (await get("/metrics", { authorization: `Bearer ${METRICS_TOKEN}` })).text();
    expect(text).toMatch(/\nlvs_fleet_http_requests_total\{code="4xx",method="other",route="unmatched"\} [1-9]/);
    expect(text).not.toContain("PROPFIND");
  });

  it("lists the directors in http_sd format, filtered by group", async () => {
    const r = await get("/api/prometheus/targets", { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(r.status).toBe(200);
    const groups = (await r.json()) as { targets: string[]; labels: Record<string, string> }[];
    expect(groups.map((g) => g.labels.director).sort()).toEqual(["dir1", "dir2"]);
    expect(groups[0]!.targets[0]).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(groups[0]!.labels.__scheme__).toBe("http");
    const a = (await (await get("/api/prometheus/targets?group=pair-a", { authorization: `Bearer ${METRICS_TOKEN}` })).json()) as unknown[];
    expect(a).toHaveLength(1);
  });
});

describe("metrics endpoints without --metrics-token-file", () => {
  it("answer 404, whatever the token", async () => {
    const s = await startServer();
    try {
      expect((await fetch(`${s.url}/metrics`, { headers: { authorization: "Bearer x" } })).status).toBe(404);
      expect((await fetch(`${s.url}/api/prometheus/targets`)).status).toBe(404);
    } finally {
      await closeTestServer(s, []);
    }
  });
});

describe("metrics token and http_sd pieces", () => {
  it("reads a 0600 file, refuses a readable or short one, and follows a rotation", () => {
    const dir = mkdtempSync(join(tmpdir(), "metrics-token-"));
    const f = join(dir, "t");
    writeFileSync(f, `${METRICS_TOKEN}\n`, { mode: 0o600 });
    const source = metricsTokenSource(f);
    expect(source()).toBe(METRICS_TOKEN);
    writeFileSync(f, "another-token-abcdefghij\n");
    expect(source()).toBe("another-token-abcdefghij");
    chmodSync(f, 0o644);
    expect(() => readMetricsToken(f)).toThrow(MetricsTokenError);
    // an unusable file keeps the previous token
    expect(source()).toBe("another-token-abcdefghij");
    chmodSync(f, 0o600);
    writeFileSync(f, "short\n");
    expect(() => readMetricsToken(f)).toThrow(MetricsTokenError);
  });

  it("compares bearer tokens exactly", () => {
    expect(bearerMatches("abc", "Bearer abc")).toBe(true);
    expect(bearerMatches("abc", "bearer  abc ")).toBe(true);
    expect(bearerMatches("abc", "Bearer abcd")).toBe(false);
    expect(bearerMatches("abc", "abc")).toBe(false);
    expect(bearerMatches(null, "Bearer abc")).toBe(false);
    expect(bearerMatches("abc", undefined)).toBe(false);
  });

  it("maps ws/wss URLs to targets and schemes", () => {
    const reg = (url: string, role: "director" | "realserver" = "director") => ({ name: "d", url, token: "t", group: "g", role, addresses: [] });
    const out = httpSdTargets([
      { id: "a", registration: reg("wss://10.0.0.1:9400") },
      { id: "b", registration: reg("ws://[2001:db8::1]:9400") },
      { id: "c", registration: reg("wss://lb.example.com", "realserver") },
    ]);
    expect(out.map((g) => [g.targets[0], g.labels.__scheme__])).toEqual([
      ["10.0.0.1:9400", "https"],
      ["[2001:db8::1]:9400", "http"],
      ["lb.example.com:443", "https"],
    ]);
    expect(httpSdTargets([{ id: "c", registration: reg("wss://x:1", "realserver") }], { role: "director" })).toEqual([]);
  });
});
