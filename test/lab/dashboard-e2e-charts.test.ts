// In Debian's Chromium against the lab (issue 16 items 4, 5, 6): the service charts' y axes
// carry their units (bit/s on traffic); a 7d history answer has at most 1,000 points per
// series; a weight changed over REST shows on its audit row as "10.0.0.11:80 weight 1 → 5",
// found by the text search and kept by the action family and user filters, dropped by a
// search that matches nothing; and the account page's time zone moves the audit row's time
// and the chart's times by the same offset (UTC -> Asia/Kolkata, +05:30).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, dashboardLogin, type SessionApi, sessionApi } from "@/lab/dashboard.ts";
import { NAT_VIP } from "@/lab/directors.ts";
import type { History } from "@/protocol/dashboard/index.ts";
import { type DashboardSession, eventually, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { ipvsadm, resetRules } from "./lab.ts";

const DIR = "dir1";
const RS = "10.0.0.11:80";
const SVC = `tcp:${NAT_VIP}:80`;
const SERVICE_PAGE = `/directors/${DIR}/services/${encodeURIComponent(SVC)}`;
const KOLKATA_S = 5.5 * 3600;

let session: DashboardSession;
let dash: Dashboard;
let page: Page;
let api: SessionApi;

beforeAll(async () => {
  await resetRules(DIR);
  session = await openDashboardSession();
  ({ dash, page } = session);
  const creds = await dashboardLogin(dash);
  api = sessionApi(() => ({ url: dash.url, session: creds }));
  // the service page is a 404 until the director's table lists the service
  await eventually("dir1 lists the NAT service", async () => {
    const r = await api<{ key: string }[] | { services?: { key: string }[] }>("GET", `/api/directors/${DIR}/services`);
    return r.status === 200 && JSON.stringify(r.body).includes(SVC);
  }, 60_000, 500);
}, 240_000);

afterAll(async () => {
  await session?.close();
  await resetRules(DIR);
}, 120_000);

/** "2026-12-02 17:05:09Z" / "2026-12-02 22:35:09 +05:30" -> ms */
function parseShown(s: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(Z| [+-]\d{2}:\d{2})$/.exec(s.trim());
  if (!m) throw new Error(`not a dashboard time: ${JSON.stringify(s)}`);
  return Date.parse(`${m[1]}T${m[2]}${m[3] === "Z" ? "Z" : m[3]!.trim()}`);
}

/** hh:mm (and :ss) of an instant shifted by `offsetS`, read in UTC: what a tick should say */
function wallClock(seconds: number, offsetS: number, withSeconds: boolean): string {
  const iso = new Date((seconds + offsetS) * 1000).toISOString();
  return withSeconds ? iso.slice(11, 19) : iso.slice(11, 16);
}

async function chartAttrs(title: string) {
  const fig = page.getByRole("figure", { name: title });
  await expect.poll(async () => (await fig.getAttribute("data-y-ticks")) ?? "", { timeout: 30_000 }).not.toBe("");
  await expect.poll(async () => (await fig.getAttribute("data-x-ticks")) ?? "", { timeout: 30_000 }).not.toBe("");
  return {
    zone: await fig.getAttribute("data-time-zone"),
    yTicks: ((await fig.getAttribute("data-y-ticks")) ?? "").split("|"),
    xTicks: ((await fig.getAttribute("data-x-ticks")) ?? "").split("|"),
    xSplits: ((await fig.getAttribute("data-x-splits")) ?? "").split(" ").map(Number),
    lastTime: (await fig.getAttribute("data-last-time")) ?? "",
  };
}

/** every x tick names its split's wall clock in the zone `offsetS` from UTC */
function expectTicksAt(c: Awaited<ReturnType<typeof chartAttrs>>, offsetS: number): void {
  expect(c.xTicks.length).toBeGreaterThan(1);
  expect(c.xTicks.length).toBe(c.xSplits.length);
  c.xTicks.forEach((label, i) => {
    const clock = label.split(" ").at(-1)!; // "12-02 00:00" -> "00:00"
    expect(clock, `tick ${i} of ${c.xTicks.join("|")}`).toBe(wallClock(c.xSplits[i]!, offsetS, clock.length === 8));
  });
}

describe("charts", () => {
  it("a 7d history answer has at most 1,000 points per series (24h too), every column as long as the time axis", async () => {
    for (const range of ["7d", "24h"] as const) {
      const r = await api<History>("GET", `/api/directors/${DIR}/history?service=${encodeURIComponent(SVC)}&range=${range}`);
      expect(r.status).toBe(200);
      const h = r.body;
      expect(h.time.length).toBeGreaterThan(600);
      expect(h.time.length).toBeLessThanOrEqual(1000);
      expect(h.step).toBe(range === "7d" ? 900 : 120);
      // covers the range: the buckets span 7 days (24 h) up to now
      expect(h.time.at(-1)! - h.time[0]!).toBeGreaterThanOrEqual((range === "7d" ? 604800 : 86400) - 2 * h.step);
      expect(Date.now() / 1000 - h.time.at(-1)!).toBeLessThan(h.step + 60);
      for (const cols of [h.total, ...Object.values(h.destinations)]) for (const c of Object.values(cols)) expect(c).toHaveLength(h.time.length);
    }
  }, 60_000);

  it("the y axes carry their units: bit/s on traffic, conn/s on connections", async () => {
    await page.goto(`${dash.url}${SERVICE_PAGE}`);
    const bits = await chartAttrs("Traffic in (bit/s)");
    expect(bits.yTicks.length).toBeGreaterThan(1);
    for (const t of bits.yTicks) expect(t).toMatch(/^\d+(\.\d+)? [kMGTPE]?bit\/s$/);
    const conns = await chartAttrs("Connections per second (conn/s)");
    for (const t of conns.yTicks) expect(t).toMatch(/^\d+(\.\d+)?[kMGTPE]? conn\/s$/);
    expect(bits.zone).toBe("UTC");
    expect(await page.getByTestId("chart-time-zone").textContent()).toBe("times in UTC");
    expectTicksAt(bits, 0);
    await screenshot(page, "charts-units");
  }, 60_000);
});

describe("audit", () => {
  it("a weight changed over REST reads 'weight 1 → 5' on its row; search, action family and user filters find it", async () => {
    const dest = `/api/directors/${DIR}/services/${encodeURIComponent(SVC)}/destinations/${encodeURIComponent(RS)}`;
    expect((await api("PATCH", dest, { weight: 5 })).status).toBe(200);
    expect(await ipvsadm(DIR, "-S", "-n")).toMatch(new RegExp(`-r ${RS.replace(/\./g, "\\.")} -m -w 5`));
    expect((await api("PATCH", `/api/directors/${DIR}/services/${encodeURIComponent(SVC)}`, { scheduler: "wlc" })).status).toBe(200);

    await page.goto(`${dash.url}/audit`);
    const change = page.locator("tr", { has: page.locator("td", { hasText: /^dest\.update$/ }) }).getByTestId("audit-change");
    await expect.poll(async () => (await change.first().textContent()) ?? "", { timeout: 15_000 }).toBe(`${RS} weight 1 → 5`);
    const svcChange = page.locator("tr", { has: page.locator("td", { hasText: /^service\.update$/ }) }).getByTestId("audit-change");
    expect(await svcChange.first().textContent()).toBe("scheduler rr → wlc");

    const filters = page.getByRole("form", { name: "Audit filters" });
    const actions = () => page.locator("tbody tr td:nth-child(3)").allTextContents();
    // the text search: only entries naming the real server
    await filters.getByLabel("Search").fill("10.0.0.11");
    await expect.poll(async () => (await actions()).includes("dest.update") && !(await actions()).includes("service.update"), { timeout: 10_000 }).toBe(true);
    // filters combine: the dest.* family by this user, any text
    await filters.getByLabel("Search").fill("");
    await filters.getByLabel("Action").selectOption("dest.*");
    await filters.getByLabel("User").fill("admin");
    await expect.poll(actions, { timeout: 10_000 }).toEqual(["dest.update"]);
    await filters.getByLabel("User").fill("nobody-here");
    await expect.poll(async () => (await page.getByTestId("audit-empty").textContent()) ?? "", { timeout: 10_000 }).toBe("No entries match these filters.");
    await filters.getByLabel("User").fill("");
    await filters.getByLabel("Action").selectOption("");
    await filters.getByLabel("When").selectOption("3600");
    await filters.getByLabel("Outcome").selectOption("ok");
    await expect.poll(async () => (await actions()).includes("dest.update") && (await actions()).includes("service.update"), { timeout: 10_000 }).toBe(true);
    await screenshot(page, "audit-diff-filters");
  }, 90_000);
});

describe("one clock", () => {
  it("another time zone on /account moves the audit row's time and the chart's times by the same offset", async () => {
    await page.goto(`${dash.url}/audit`);
    const row = page.locator("tr", { has: page.locator("td", { hasText: /^dest\.update$/ }) }).first();
    const timeCell = row.locator("td").first();
    await timeCell.waitFor({ timeout: 15_000 });
    const utcText = (await timeCell.textContent()) ?? "";
    expect(utcText).toMatch(/Z$/);
    expect(await page.locator("thead th").first().textContent()).toBe("Time (UTC)");
    const instant = parseShown(utcText);

    await page.goto(`${dash.url}/account`);
    await page.getByLabel("Show times in").selectOption("Asia/Kolkata");
    await expect.poll(async () => (await page.getByTestId("time-zone-now").textContent()) ?? "").toMatch(/\+05:30 \(Asia\/Kolkata \(UTC\+05:30\)\)$/);

    await page.goto(`${dash.url}/audit`);
    await expect.poll(async () => (await timeCell.textContent()) ?? "", { timeout: 15_000 }).toMatch(/ \+05:30$/);
    const kolkataText = (await timeCell.textContent()) ?? "";
    expect(parseShown(kolkataText)).toBe(instant);
    expect(kolkataText.slice(11, 19)).toBe(wallClock(instant / 1000, KOLKATA_S, true));
    expect(await page.locator("thead th").first().textContent()).toBe("Time (Asia/Kolkata (UTC+05:30))");
    // the users page's "created" column in the same zone
    await page.goto(`${dash.url}/users`);
    await page.locator("td", { hasText: / \+05:30$/ }).first().waitFor({ timeout: 15_000 });

    await page.goto(`${dash.url}${SERVICE_PAGE}`);
    await expect.poll(async () => page.getByRole("figure", { name: "Traffic in (bit/s)" }).getAttribute("data-time-zone"), { timeout: 15_000 }).toBe("Asia/Kolkata");
    const chart = await chartAttrs("Traffic in (bit/s)");
    expectTicksAt(chart, KOLKATA_S);
    expect(chart.lastTime).toMatch(/ \+05:30$/);
    // the chart's last point in the same format as the audit row, the same instant as its time axis
    expect(Math.abs(parseShown(chart.lastTime) - Date.now())).toBeLessThan(120_000);
    expect(await page.getByTestId("chart-time-zone").textContent()).toBe("times in Asia/Kolkata (UTC+05:30)");
    await screenshot(page, "charts-kolkata");

    // back to UTC: the setting is removed, every time reads UTC again
    await page.goto(`${dash.url}/account`);
    await page.getByLabel("Show times in").selectOption("UTC");
    await page.goto(`${dash.url}/audit`);
    await expect.poll(async () => (await timeCell.textContent()) ?? "", { timeout: 15_000 }).toBe(utcText);
  }, 90_000);
});
