import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricsRenderer } from "@/agent/metrics/collector.ts";
import { Exposition, escapeLabelValue, renderLabels } from "@/agent/metrics/exposition.ts";
import type { ServiceRow } from "@/protocol/agent/compact.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";
import { FIXTURE_TOTALS, fixtureIpvs, promtoolCheckMetrics } from "./metrics-fixtures.ts";

const INFO = { version: "0.1.0", role: "director", startedAt: Date.now() };

async function get(h: Harness, headers: Record<string, string> = {}, method = "GET") {
  const res = await fetch(`${h.server.url.replace(/^ws/, "http")}/metrics`, { method, headers });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

describe("agent GET /metrics over its WebSocket listener", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ metrics: metricsRenderer({ ipvs: fixtureIpvs(), info: INFO, totals: async () => FIXTURE_TOTALS }) });
  });
  afterAll(async () => {
    await h.close();
  });

  it("401 without a token, with a wrong one, one of another length, or another scheme; never the data", async () => {
    for (const headers of [{} as Record<string, string>, { authorization: "Bearer wrong" }, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }, { authorization: TOKEN }]) {
      const r = await get(h, headers);
      expect(r.status).toBe(401);
      expect(r.headers.get("www-authenticate")).toBe("Bearer");
      expect(r.body).not.toMatch(/node_ipvs|lvs_/);
    }
    // the method is checked after the token: a POST without it learns nothing either
    expect((await get(h, {}, "POST")).status).toBe(401);
    expect((await get(h, { authorization: `Bearer ${TOKEN}` }, "POST")).status).toBe(405);
  });

  it("200 with the token: text format 0.0.4, promtool-clean", async () => {
    const r = await get(h, { authorization: `Bearer ${TOKEN}` });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(r.body).toContain("node_ipvs_backend_weight{");
    expect(promtoolCheckMetrics(r.body).status).toBe(0);
  });

  it("gzip when the scraper asks for it (Prometheus does)", async () => {
    const res = await fetch(`${h.server.url.replace(/^ws/, "http")}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}`, "accept-encoding": "gzip" },
    });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    // fetch decodes it; the raw length is the compressed one
    expect(Number(res.headers.get("content-length"))).toBeLessThan((await res.text()).length);
  });

  it("the other plain HTTP paths are as before", async () => {
    const base = h.server.url.replace(/^ws/, "http");
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/metricsx`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(426);
  });
});

/** 5,000 services x 4 real servers as compact rows, listed without the FakeIpvs's cloning. */
function bigRows(): ServiceRow[] {
  const rows: ServiceRow[] = [];
  for (let s = 0; s < 5000; s++) {
    const vip = `10.${(s >> 8) & 255}.${s & 255}.1`;
    const dests = [0, 1, 2, 3].map((d) => [`192.168.${d}.${(s % 250) + 1}`, 80, "masq", 1, 0, 0, null, s % 7, d, 0, [s, 2 * s, 3 * s, 4 * s, 5 * s, 1, 2, 3, 4, 5]] as ServiceRow[7][number]);
    rows.push([{ protocol: "tcp", address: vip, port: 80 }, "wlc", [], null, null, false, 0, dests]);
  }
  return rows;
}

describe("a scrape of the big table", () => {
  it("steps aside: the event loop (heartbeats, requests) never waits long during it", async () => {
    const ipvs = fixtureIpvs();
    const rows = bigRows();
    Object.assign(ipvs, { listServiceRows: async () => rows });
    const render = metricsRenderer({ ipvs, info: INFO, totals: async () => FIXTURE_TOTALS });
    let last = performance.now();
    let worst = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
      ticks++;
    }, 5);
    const started = performance.now();
    const text = await render();
    const took = performance.now() - started;
    clearInterval(timer);
    expect(text.split("\nnode_ipvs_backend_weight{").length - 1).toBe(20_000);
    // timers (the ws heartbeat is one) ran all through the scrape, not once at its end; the
    // bound is loose because this machine is shared (a GC pause or a descheduled core is
    // not the scrape's doing), yet one synchronous pass would be the whole duration
    expect(ticks).toBeGreaterThan(20);
    expect(worst).toBeLessThan(Math.max(300, took / 4));
    expect(promtoolCheckMetrics(text).status).toBe(0);
  }, 60_000);
});

/** The format's unescaping of a label value, written from its grammar. */
function unescapeLabelValue(v: string): string {
  return v.replace(/\\(["\\n])/g, (_m, c: string) => (c === "n" ? "\n" : c));
}

describe("label values", () => {
  it("escape backslash, quote and newline so that the value reads back exactly", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "\\", '"', "\n", "n", "é", "}", ",", "=") }), (v) => {
        const rendered = renderLabels([["x", v]]);
        const m = /^\{x="((?:[^"\\\n]|\\["\\n])*)"\}$/.exec(rendered);
        expect(m).not.toBeNull();
        expect(unescapeLabelValue(m![1]!)).toBe(v);
      }),
    );
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it("promtool accepts a page with hostile label values", () => {
    const out = new Exposition().family("lvs_test_info", "gauge", 'help with \\ and\nnewline and "quotes"');
    const values = ["plain", 'q"uote', "back\\slash", "new\nline", "}{,="];
    for (const [i, v] of values.entries()) out.sample("lvs_test_info", renderLabels([["i", String(i)], ["v", v]]), 1);
    const r = promtoolCheckMetrics(out.text());
    expect(r.output).toBe("");
    expect(r.status).toBe(0);
  });

  it("a family written twice is a programming error, not a broken page", () => {
    const out = new Exposition().family("a", "gauge", "x");
    expect(() => out.family("a", "gauge", "x")).toThrow("written twice");
  });
});

describe("a slow scraper of the big table", () => {
  it("does not block the agent's WebSocket: heartbeat pings keep flowing while the page is built and sent", async () => {
    const ipvs = fixtureIpvs();
    const rows = bigRows();
    Object.assign(ipvs, { listServiceRows: async () => rows });
    const inner = metricsRenderer({ ipvs, info: INFO, totals: async () => FIXTURE_TOTALS });
    let built = 0;
    const h = await startHarness({
      heartbeatMs: 300,
      // three pages back to back: a build long against the 300 ms heartbeat, so that a blocked
      // loop (no ping for the whole build) cannot pass for a free one
      metrics: async () => {
        let text = "";
        for (let i = 0; i < 3; i++) text = await inner();
        built = performance.now();
        return text;
      },
    });
    try {
      const peer = await h.raw();
      const pings: number[] = [];
      peer.ws.on("ping", () => pings.push(performance.now()));
      // the scraper asks for the page and then reads nothing for a while (a stalled scraper)
      const port = Number(new URL(h.server.url).port);
      const sock = connect(port, "127.0.0.1");
      await new Promise((r) => sock.once("connect", r));
      sock.pause();
      const started = performance.now();
      sock.write(`GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`);
      while (built === 0) await new Promise((r) => setTimeout(r, 20));
      // the page is written into a socket nobody reads: pings must go on meanwhile
      const stalledFrom = performance.now();
      await new Promise((r) => setTimeout(r, 1000));
      const duringBuild = pings.filter((t) => t >= started && t <= built).length;
      const duringStall = pings.filter((t) => t >= stalledFrom).length;
      let bytes = 0;
      sock.on("data", (c: Buffer) => (bytes += c.length));
      sock.resume();
      await new Promise((r) => setTimeout(r, 200));
      sock.destroy();
      const buildMs = built - started;
      const marks = [started, ...pings.filter((t) => t > started && t < built), built];
      const worstGap = Math.max(...marks.slice(1).map((t, i) => t - marks[i]!));
      // A blocked loop sends no ping during the build: one gap as long as the build. A free one
      // pings every 300 ms; at least half of those must come (GC and string joins on a loaded
      // 2-core machine delay some), and no gap may reach half the build or 3 heartbeats. (The
      // test's heartbeat is 300 ms: client and agent share this process, and a shorter one
      // drops the peer at the first GC pause; the agent's real one is 30 s.)
      expect(buildMs, "the build was too short to tell a blocked loop from a free one: grow the table").toBeGreaterThanOrEqual(1200);
      const expected = Math.floor(buildMs / 600);
      expect(duringBuild, `pings in a ${buildMs.toFixed(0)} ms build; worst gap ${worstGap.toFixed(0)} ms`).toBeGreaterThanOrEqual(expected);
      expect(worstGap, `worst gap between pings during a ${buildMs.toFixed(0)} ms build`).toBeLessThan(Math.max(900, buildMs / 2));
      expect(peer.closeCode, "the peer was dropped by the heartbeat").toBeNull();
      expect(duringStall).toBeGreaterThanOrEqual(2);
      expect(bytes).toBeGreaterThan(0);
      expect(peer.closeCode).toBeNull();
    } finally {
      await h.close();
    }
  }, 60_000);
});
