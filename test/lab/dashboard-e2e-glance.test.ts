// End to end in Debian's Chromium against the lab (issue 16 item 4, "read at a glance"): the
// fleet totals are the sums of the directors' live numbers under traffic, and the combined
// chart plots them; the header's search finds a VIP and a real-server address on both
// directors and opens the service page; the sysctls filter narrows the rows and a value set
// through the page is highlighted as differing from the default; DR readiness puts the
// failures first; the connection filters survive a reload through the URL, a filter matching
// nothing says so, a refused filter clears the summary, and auto-refresh reads again.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setTrafficRate } from "@/lab/api.ts";
import type { Dashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, eventually, GROUP, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { labInstance, ok, quiet, resetRules, run } from "./lab.ts";

const NODEST = "net.ipv4.vs.expire_nodest_conn";
const svcPath = (d: string, svc: string) => `/directors/${d}/services/${encodeURIComponent(svc)}`;

let session: DashboardSession;
let dash: Dashboard;
let page: Page;

beforeAll(async () => {
  for (const d of ["dir1", "dir2"]) await resetRules(d);
  await run("dir1", ["sysctl", "-w", `${NODEST}=0`]);
  await setTrafficRate(labInstance(), "dir2", 5);
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  await quiet("dir2");
  await run("dir1", ["sysctl", "-w", `${NODEST}=0`]);
}, 120_000);

interface Numbers {
  cps: number;
  bps: number;
  active: number;
  inactive: number;
}

/** One DOM snapshot: every totals row's raw numbers and shown text, and the overview's cells. */
async function totalsSnapshot() {
  return page.evaluate(() => {
    const nums = (el: Element | null) => ({
      cps: Number(el?.getAttribute("data-cps")),
      bps: Number(el?.getAttribute("data-bps")),
      active: Number(el?.getAttribute("data-active")),
      inactive: Number(el?.getAttribute("data-inactive")),
    });
    const cells = (el: Element | null) => Array.from(el?.querySelectorAll("td") ?? []).slice(1, 4).map((td) => td.textContent ?? "");
    const row = (id: string) => document.querySelector(`[data-testid="${id}"]`);
    const overview = (id: string) => ["metric-cps", "metric-bps", "metric-active"].map((m) => row(`director-row-${id}`)?.querySelector(`[data-testid="${m}"]`)?.textContent ?? "");
    return {
      fleet: nums(row("totals-fleet")),
      group: nums(row("totals-group-ha-pair")),
      directors: Object.fromEntries(["dir1", "dir2"].map((id) => [id, { nums: nums(row(`totals-director-${id}`)), shown: cells(row(`totals-director-${id}`)), overview: overview(id) }])),
    };
  });
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
const sum = (xs: Numbers[]): Numbers => xs.reduce((t, x) => ({ cps: t.cps + x.cps, bps: t.bps + x.bps, active: t.active + x.active, inactive: t.inactive + x.inactive }), { cps: 0, bps: 0, active: 0, inactive: 0 });
const same = (a: Numbers, b: Numbers) => near(a.cps, b.cps) && near(a.bps, b.bps) && a.active === b.active && a.inactive === b.inactive;

describe("fleet totals", () => {
  it("are the sums of the directors' numbers shown in their rows, and the combined chart plots the traffic", async () => {
    await page.goto(dash.url);
    const fleet = page.getByTestId("totals-fleet");
    await expect.poll(async () => Number(await fleet.getAttribute("data-cps")), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    // live numbers change every second: a snapshot where both tables render the same push
    const snap = await eventually(
      "a snapshot where the totals match the overview",
      async () => {
        const s = await totalsSnapshot();
        const d = [s.directors.dir1!, s.directors.dir2!];
        const consistent = d.every((x) => x.shown.join("|") === x.overview.join("|"));
        return consistent ? s : null;
      },
      10_000,
      100,
    );
    const directors = [snap!.directors.dir1!, snap!.directors.dir2!];
    expect(same(snap!.group, sum(directors.map((d) => d.nums)))).toBe(true);
    // the lab's realserver agents carry no IPVS traffic: the fleet is the HA group's two directors
    expect(same(snap!.fleet, snap!.group)).toBe(true);
    expect(snap!.fleet.cps).toBeGreaterThan(0);
    expect(snap!.fleet.bps).toBeGreaterThan(0);
    expect(await fleet.textContent()).toContain("Fleet (2 directors)");
    expect(await page.getByTestId(`group-${GROUP}`).count()).toBe(1);
    const chart = page.getByTestId("fleet-chart").getByRole("figure");
    await expect.poll(async () => Number(await chart.getAttribute("data-total-max")), { timeout: 20_000, interval: 500 }).toBeGreaterThan(0);
    // the test's dashboard server just started: its sparklines grow by a point a second
    await expect.poll(async () => Number(await chart.getAttribute("data-points")), { timeout: 10_000, interval: 500 }).toBeGreaterThan(2);
    await screenshot(page, "fleet-totals");
  }, 90_000);
});

describe("the header's fleet search", () => {
  it("finds a VIP on both directors and a real server in every service, and opens the service page", async () => {
    const box = page.getByRole("combobox", { name: /Search the fleet/ });
    const results = page.getByTestId("search-results");
    await box.fill("172.16.0.200");
    await results.getByTestId("search-hit-service-dir2-tcp:172.16.0.200:80").waitFor({ timeout: 10_000 });
    expect(await results.getByRole("link").count()).toBe(2);
    await results.getByTestId("search-hit-service-dir2-tcp:172.16.0.200:80").click();
    await page.waitForURL((u) => u.pathname === svcPath("dir2", "tcp:172.16.0.200:80"), { timeout: 10_000 });

    await box.fill("10.0.0.12:80");
    await expect
      .poll(async () => (await results.getByRole("link").allTextContents()).filter((t) => t.includes("10.0.0.12:80")).length, { timeout: 10_000 })
      .toBe(4);
    expect(await results.getByTestId("search-hit-rs-dir1-tcp:172.16.0.200:80-10.0.0.12:80").textContent()).toContain("in TCP 172.16.0.200:80 on dir1");
    await screenshot(page, "fleet-search");
    // Enter opens the first result: dir1's NAT service (services in key order)
    await box.press("Enter");
    await page.waitForURL((u) => u.pathname === svcPath("dir1", "tcp:172.16.0.100:80"), { timeout: 10_000 });

    await box.fill("192.0.2.77");
    await results.getByText("Nothing in the fleet matches “192.0.2.77”.").waitFor({ timeout: 10_000 });
    await box.press("Escape");
    expect(await results.count()).toBe(0);
  }, 60_000);
});

describe("the sysctls page", () => {
  it("narrows the rows with the filter and highlights a value set through it as not the default", async () => {
    await page.goto(`${dash.url}/directors/dir1/sysctls`);
    const rows = page.locator('tr[data-testid^="sysctl-"]');
    // the agent reads every allow-listed sysctl: slow on a loaded machine
    await rows
      .first()
      .waitFor({ timeout: 60_000 })
      .catch(async (e) => {
        throw new Error(`no sysctl rows; the page said: ${(await page.locator("main").textContent())?.slice(0, 400)}`, { cause: e });
      });
    const all = await rows.count();
    await page.getByLabel("Filter settings").fill("expire_nodest");
    await expect.poll(() => rows.count()).toBe(1);
    const row = page.getByTestId(`sysctl-${NODEST}`);
    expect(await row.getAttribute("data-differs")).toBeNull();
    await row.getByRole("textbox").fill("1");
    await row.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => row.getAttribute("data-differs"), { timeout: 15_000 }).toBe("true");
    expect(await row.getByTestId("sysctl-differs").textContent()).toBe("changed");
    expect((await ok("dir1", ["sysctl", "-n", NODEST])).trim()).toBe("1");

    await page.getByLabel("Filter settings").fill("");
    await page.getByLabel("Only values that differ from the default").check();
    const changed = await rows.count();
    expect(changed).toBeGreaterThanOrEqual(1);
    expect(changed).toBeLessThan(all);
    expect(new Set(await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-differs"))))).toEqual(new Set(["true"]));
    expect(await page.getByTestId("sysctl-count").textContent()).toBe(`showing ${changed} of ${all}; ${changed} differ from the default`);

    // DR readiness: only 10.0.0.11 has a realserver agent (its check may fail under load), so
    // .12 and .13 are "no agent"; whatever .11 says, the rows go failures first
    const summary = page.getByTestId("readiness-summary");
    await summary.waitFor({ timeout: 60_000 });
    const line = (await summary.locator("p").first().textContent()) ?? "";
    expect(line, await summary.textContent() ?? "").toMatch(/^[01] of 3 direct-routing real servers ready;( 1 not ready;| 1 check failed;)? 2 without a realserver agent$/);
    const rows2 = await page
      .getByTestId("readiness-tcp:172.16.0.200:80")
      .locator('[data-testid^="readiness-rs-"]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute("data-testid"), e.getAttribute("data-status")]));
    const rank: Record<string, number> = { not_ready: 0, error: 1, no_agent: 2, ready: 3 };
    const ranks = rows2.map(([, st]) => rank[st ?? ""] ?? -1);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(rows2.filter(([, st]) => st === "no_agent").map(([id]) => id)).toEqual(["readiness-rs-10.0.0.12:80", "readiness-rs-10.0.0.13:80"]);
    // the summary lists the problems in the same order
    const problems = await summary.locator("li").allTextContents();
    expect(problems.slice(-2)).toEqual(["tcp:172.16.0.200:80 → 10.0.0.12:80: no realserver agent", "tcp:172.16.0.200:80 → 10.0.0.13:80: no realserver agent"]);
    await screenshot(page, "sysctls-filtered");
  }, 150_000);
});

/** "12 of 345 entries match; showing 1–12" as numbers (formatCount groups with U+202F). */
async function connSummary(): Promise<{ matched: number; scanned: number } | null> {
  const el = page.getByTestId("conn-summary");
  if ((await el.count()) === 0) return null;
  const m = /^(\d+) of (\d+) entries match/.exec(((await el.textContent()) ?? "").replace(/\u202f/g, "").trim());
  return m ? { matched: Number(m[1]), scanned: Number(m[2]) } : null;
}

describe("the connections page", () => {
  it("keeps its filters in the URL across a reload, says when nothing matches, clears the summary on a refused filter, and auto-refreshes", async () => {
    await page.goto(`${dash.url}/directors/dir2/connections`);
    await page.getByTestId("conn-summary").waitFor({ timeout: 60_000 });
    const rsField = page.getByLabel("Real server", { exact: true });
    const apply = page.getByRole("button", { name: "Apply", exact: true });
    await rsField.fill("10.0.0.11:80");
    await apply.click();
    await page.waitForURL((u) => u.searchParams.get("realServer") === "10.0.0.11:80", { timeout: 10_000 });
    await page.reload();
    await page.getByTestId("conn-summary").waitFor({ timeout: 60_000 });
    expect(await rsField.inputValue()).toBe("10.0.0.11:80");
    // the first read after the reload is the filtered one: dir2's traffic reaches three real servers
    const filtered = await connSummary();
    expect(filtered!.matched).toBeGreaterThan(0);
    expect(filtered!.matched).toBeLessThan(filtered!.scanned);

    await page.getByLabel("Client", { exact: true }).fill("192.0.2.1");
    await apply.click();
    const empty = page.getByTestId("conn-empty");
    await empty.waitFor({ timeout: 30_000 });
    expect(await empty.textContent()).toContain("No connection matches these filters");
    expect((await connSummary())!.matched).toBe(0);
    expect(new URL(page.url()).searchParams.get("client")).toBe("192.0.2.1");

    // a real server the server refuses (400 before the stream): the old summary goes away
    await rsField.fill("not-an-address");
    await apply.click();
    const refused = page.locator("main").getByRole("alert");
    await refused.waitFor({ timeout: 30_000 });
    expect(await refused.textContent()).toContain("realServer");
    expect(await page.getByTestId("conn-summary").count()).toBe(0);
    expect(await empty.count()).toBe(0);

    await rsField.fill("");
    await page.getByLabel("Client", { exact: true }).fill("");
    await apply.click();
    await page.getByTestId("conn-summary").waitFor({ timeout: 30_000 });
    await page.getByLabel("Auto-refresh").selectOption("5");
    await page.waitForURL((u) => u.searchParams.get("refresh") === "5", { timeout: 5_000 });
    const again = await page.waitForRequest((r) => r.url().includes("/api/directors/dir2/conns?"), { timeout: 15_000 });
    expect(new URL(again.url()).searchParams.get("realServer")).toBeNull();
    await screenshot(page, "connections-refresh");
  }, 120_000);
});
