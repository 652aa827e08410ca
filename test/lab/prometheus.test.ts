// Debian's real Prometheus (on the host) scrapes the lab's director agents, found through the
// dashboard server's GET /api/prometheus/targets (http_sd), with each agent's token as its
// bearer, as deploy/prometheus/ does: both agents are up, query_range returns our node_ipvs_*
// and lvs_* series with the lab's services' labels, and the stored counters are the real
// ipvsadm's after a known number of requests. The dashboard server started with --prometheus
// then answers its 24h history (beyond its young SQLite store) from Prometheus with the same
// traffic, and a second server started after the traffic (so its SQLite never saw it) shows
// Prometheus's points in the browser's 24h chart. Prometheus gone: the chart says so.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, dashboardLogin, ensureBuilt, labDirectorsForDashboard, startDashboard } from "@/lab/dashboard.ts";
import { freePorts } from "@/lab/ports.ts";
import { type LabPrometheus, startPrometheus } from "@/lab/prometheus.ts";
import type { History } from "@/protocol/dashboard/index.ts";
import { eventually, GROUP, openBrowser, screenshot, signIn } from "./dashboard-harness.ts";
import { director, labState, quiet, resetRules, sh } from "./lab.ts";
import { backendKey, first, kernelBackends, kernelConns, last, type PromSeries, promApi, recent, slotSum } from "./prometheus-lab.ts";

const VIP = "172.16.0.100";
const SVC = `tcp:${VIP}:80`;
const VS = `tcp/${VIP}:80`;
/** requests sent to the NAT service of dir1 and dir2: different, so the labels must not mix */
const SENT = { dir1: 9, dir2: 5 } as const;
const DIRS = [director(1), director(2)];

let tmp: string;
let dash: Dashboard;
let prom: LabPrometheus;
let browser: Browser | undefined;
let fresh: Dashboard | undefined;
let trafficDoneS = 0;

const sel = (dir: string, more = "") => `{director_id="${dir}"${more}}`;

const cookies = new Map<Dashboard, string>();

async function history(d: Dashboard, dir: string, range: string): Promise<History> {
  if (!cookies.has(d)) cookies.set(d, (await dashboardLogin(d)).cookie);
  const cookie = cookies.get(d)!;
  const res = await fetch(`${d.url}/api/directors/${dir}/history?service=${encodeURIComponent(SVC)}&range=${range}`, { headers: { cookie } });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as History;
}

beforeAll(async () => {
  ensureBuilt(() => {});
  tmp = mkdtempSync(join(tmpdir(), "lvs-prometheus-"));
  for (const d of DIRS) {
    await quiet(d.name);
    await resetRules(d.name);
  }
  const metricsToken = randomBytes(18).toString("base64url");
  const tokenFile = join(tmp, "metrics.token");
  writeFileSync(tokenFile, `${metricsToken}\n`, { mode: 0o600 });
  // Prometheus's port is chosen first: the server is started with --prometheus pointing there
  const [promPort] = await freePorts(1);
  dash = await startDashboard({
    dataDir: join(tmp, "dash"),
    directors: labDirectorsForDashboard(labState(), GROUP),
    args: ["--metrics-token-file", tokenFile, "--prometheus", `http://127.0.0.1:${promPort}`],
  });
  prom = await startPrometheus({
    dir: join(tmp, "prom"),
    port: promPort,
    serverUrl: dash.url,
    metricsToken,
    agents: DIRS.map((d) => ({ id: d.name, token: d.agentToken })),
    // 2 s: on the loaded 2-core machine an agent's scrape through the relay took up to 1 s
    // (measured: 1 s scrapes timed out about one in three)
    scrapeIntervalS: 2,
  });
}, 240_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await fresh?.stop();
  await prom?.stop();
  await dash?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  for (const d of DIRS) await resetRules(d.name);
}, 120_000);

describe("a real Prometheus scraping the agents through the server's http_sd", () => {
  it("finds both director agents (not the realserver agents) and scrapes them up, with their tokens", async () => {
    type Target = { labels: Record<string, string>; scrapeUrl: string; health: string; lastError: string };
    const found = await eventually(
      "both agents up in Prometheus",
      async () => {
        const t = (await promApi<{ activeTargets: Target[] }>(prom.url, "targets", { state: "active" })).activeTargets;
        const agents = t.filter((x) => x.labels.job?.startsWith("lvs-agent-"));
        return agents.length === 2 && agents.every((x) => x.health === "up") ? t : null;
      },
      90_000,
      1000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nprometheus:\n${prom.output().slice(-3000)}`);
    });
    const targets = found!;
    for (const d of DIRS) {
      const t = targets.find((x) => x.labels.job === `lvs-agent-${d.name}`)!;
      expect(t.scrapeUrl).toBe(`${d.agentUrl.replace(/^ws:/, "http:")}/metrics`);
      expect(t.labels).toMatchObject({ director: d.name, director_id: d.name, group: GROUP, role: "director" });
      expect(t.lastError).toBe("");
    }
    // the realserver agents are registered too, but ?role=director leaves them out
    expect(targets.map((t) => t.labels.director).sort()).toEqual(["dir1", "dir2", undefined]);
    expect(targets.find((t) => t.labels.job === "lvs-fleet-server")?.health).toBe("up");
  }, 120_000);

  it("query_range returns node_exporter's backend series and ours with the lab's services' labels", async () => {
    for (const d of DIRS) {
      const weights = await recent(prom.url, `node_ipvs_backend_weight${sel(d.name)}`, 10);
      expect(weights.map((s) => backendKey(s.metric)).sort()).toEqual(await kernelBackends(d.name));
      expect(weights.map(last)).toEqual(weights.map(() => 1));
      const info = await recent(prom.url, `lvs_real_server_info${sel(d.name)}`, 10);
      expect(info.map((s) => `${s.metric.vs} ${s.metric.rs} ${s.metric.forwarding}`).sort()).toEqual(
        ["11", "12", "13"].flatMap((j) => [`tcp/172.16.0.100:80 10.0.0.${j}:80 masq`, `tcp/172.16.0.200:80 10.0.0.${j}:80 route`]).sort(),
      );
      const svc = await recent(prom.url, `lvs_service_info${sel(d.name)}`, 10);
      expect(svc.map((s) => `${s.metric.vs} ${s.metric.scheduler}`).sort()).toEqual(["tcp/172.16.0.100:80 rr", "tcp/172.16.0.200:80 rr"]);
      const up = await recent(prom.url, `up${sel(d.name)}`, 10);
      expect(up.map(last)).toEqual([1]);
    }
  });

  it("the stored counters move with the lab's requests: ipvsadm's per real server, one director's not the other's", async () => {
    // a 24h slot is rate() over the 120 s window ending at it; a burst right at a window's edge
    // could fall between two windows' samples: send it well inside one
    const phase = (Date.now() / 1000) % 120;
    if (phase < 10 || phase > 80) await new Promise((r) => setTimeout(r, ((130 - phase) % 120) * 1000));
    const startS = Date.now() / 1000 - 20;
    for (const d of DIRS) await sh(`${d.name}-c`, `for i in $(seq ${SENT[d.name as keyof typeof SENT]}); do busybox wget -q -O /dev/null http://${VIP}/; done`);
    trafficDoneS = Date.now() / 1000;
    for (const d of DIRS) {
      const n = SENT[d.name as keyof typeof SENT];
      const q = `lvs_service_connections_total${sel(d.name, `,vs="${VS}"`)}`;
      const series = await eventually(`${q} reaching ${n} in Prometheus`, async () => {
        const s = (await recent(prom.url, q, Date.now() / 1000 - startS))[0];
        return s && last(s) === n ? s : null;
      }, 30_000, 1000);
      expect(first(series!)).toBe(0);
      const totals = await recent(prom.url, `node_ipvs_connections_total${sel(d.name)}`, Date.now() / 1000 - startS);
      expect(last(totals[0]!) - first(totals[0]!)).toBe(n);
      const kernel = await kernelConns(d.name, VIP);
      const perRs = await recent(prom.url, `lvs_real_server_connections_total${sel(d.name, `,vs="${VS}"`)}`, 10);
      expect(new Map(perRs.map((s: PromSeries) => [s.metric.rs!, last(s)]))).toEqual(kernel);
      const inPkts = (await recent(prom.url, `lvs_service_incoming_packets_total${sel(d.name, `,vs="${VS}"`)}`, 10))[0]!;
      expect(last(inPkts)).toBeGreaterThanOrEqual(3 * n); // a handshake, a request and a close at least
    }
  }, 200_000);

  it("the server's 24h history (older than its SQLite store) comes from Prometheus with that traffic", async () => {
    // a slot of the 24h chart is the 120 s window that ends at it: wait for the window holding
    // the requests to close, and a few scrapes more
    const slotEnd = Math.ceil((trafficDoneS + 4) / 120) * 120;
    await new Promise((r) => setTimeout(r, Math.max(0, (slotEnd + 3 - Date.now() / 1000) * 1000)));
    for (const d of DIRS) {
      const h = await history(dash, d.name, "24h");
      expect(h.sourceError).toBeUndefined();
      expect(h.source).toBe("prometheus");
      expect(h.prometheusUrl).toBe(prom.url);
      expect(h.step).toBe(120);
      expect(h.time.length).toBe(720);
      const n = SENT[d.name as keyof typeof SENT];
      // rate() over 120 s windows that tile the range: the slots add up to the requests sent,
      // give or take Prometheus's extrapolation at the windows' edges
      expect(slotSum(h.total.cps, h.step)).toBeGreaterThan(n - 2);
      expect(slotSum(h.total.cps, h.step)).toBeLessThan(n + 2);
      const kernel = await kernelConns(d.name, VIP);
      expect(Object.keys(h.destinations).sort()).toEqual([...kernel.keys()].sort());
      for (const [rs, conns] of kernel) {
        expect(Math.abs(slotSum(h.destinations[rs]!.cps, h.step) - conns), rs).toBeLessThan(1.5);
        // node_exporter's backend gauges joined to lvs_real_server_info by the server's query
        expect(h.destinations[rs]!.inactiveConns.some((v) => v !== null), rs).toBe(true);
      }
      // the short ranges stay the store's
      expect((await history(dash, d.name, "15m")).source).toBe("sqlite");
    }
  }, 240_000);
});

describe("the dashboard's chart with --prometheus, in Chromium", () => {
  it("the 24h chart of a server started after the traffic shows Prometheus's points; its 15m chart has none of them", async () => {
    // a new data folder: this server's SQLite never saw the requests, Prometheus did
    fresh = await startDashboard({ dataDir: join(tmp, "fresh"), directors: labDirectorsForDashboard(labState(), GROUP), args: ["--prometheus", prom.url] });
    browser = await openBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await signIn(page, fresh);
    await page.goto(`${fresh.url}/directors/dir1/services/${encodeURIComponent(SVC)}`);
    const cps = page.getByRole("figure", { name: "Connections per second" });
    await page.getByTestId("chart-source").and(page.locator('[data-source="sqlite"]')).waitFor({ timeout: 30_000 });
    expect(Number(await cps.getAttribute("data-total-max"))).toBe(0);
    await page.getByRole("button", { name: "24h", exact: true }).click();
    await page.getByTestId("chart-source").and(page.locator('[data-source="prometheus"]')).waitFor({ timeout: 30_000 });
    const h = await history(fresh, "dir1", "24h");
    const promMax = Math.max(...h.total.cps.filter((v): v is number => v !== null));
    expect(promMax).toBeGreaterThan(0);
    await expect.poll(async () => Number(await cps.getAttribute("data-total-max")), { timeout: 15_000 }).toBe(promMax);
    expect(Number(await cps.getAttribute("data-points"))).toBeGreaterThanOrEqual(h.total.cps.filter((v) => v !== null).length);
    const charts = page.locator("section[aria-labelledby=charts-title]");
    await expect(charts.getByRole("link", { name: "Prometheus ↗" }).getAttribute("href")).resolves.toMatch(new RegExp(`^${prom.url}/graph\\?`));
    // the header links to the server's Prometheus (GET /api/history/source)
    await expect(page.locator("header").getByRole("link", { name: "Prometheus ↗" }).getAttribute("href")).resolves.toBe(prom.url);
    await screenshot(page, "service-24h-prometheus");
  }, 180_000);

  it("with Prometheus stopped the 24h chart names the failure and falls back to the store", async () => {
    await prom.stop();
    const h = await history(fresh!, "dir1", "24h");
    expect(h.source).toBe("sqlite");
    expect(h.sourceError).toMatch(/is unreachable/);
  });
});
