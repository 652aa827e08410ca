// End to end in Debian's Chromium against the lab: the fleet overview follows a killed agent
// (offline within 3 s) and its return (online again without a page reload); the service
// charts plot non-zero rates under the lab's traffic; the DR readiness check finds a broken
// real server through its realserver agent and "Apply fix" repairs it; every page renders
// (screenshots in test-results/screenshots/).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restartAgent, setTrafficRate } from "@/lab/api.ts";
import type { Dashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, eventually, GROUP, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { director, ipvsadm, labInstance, ok, quiet, resetRules, run } from "./lab.ts";

let session: DashboardSession;
let dash: Dashboard;
let page: Page;
const NAT = encodeURIComponent("tcp:172.16.0.100:80");
const DR = "tcp:172.16.0.200:80";

beforeAll(async () => {
  for (const d of ["dir1", "dir2"]) await resetRules(d);
  await setTrafficRate(labInstance(), "dir2", 5);
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  await quiet("dir2");
  // the readiness test may have failed half-way: put the lab's DR setup back
  await run("dir1-rs1", ["ip", "addr", "add", "172.16.0.200/32", "dev", "lo"]);
}, 120_000);

const linkState = (id: string) => page.getByTestId(`director-row-${id}`).getByTestId("link-state");

describe("the fleet overview", () => {
  it("shows both directors of the HA group online, and a killed agent offline within 3 s, then back without a reload", async () => {
    await page.goto(dash.url);
    const group = page.getByTestId(`group-${GROUP}`);
    await expect.poll(async () => await group.getByTestId("link-state").allTextContents(), { timeout: 20_000 }).toEqual(["online", "online"]);
    await screenshot(page, "fleet");
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const d2 = director(2);
    // "[-]" keeps the pattern from matching the shell that runs pkill
    await ok(d2.guest, ["sh", "-c", `pkill -9 -f -- "[-]-listen 10.254.${d2.index}.2:9400"`]);
    const killed = Date.now();
    await eventually("dir2 shown offline", async () => (await linkState("dir2").textContent()) === "offline", 3_000, 50);
    expect(Date.now() - killed).toBeLessThanOrEqual(3_000);
    expect(await linkState("dir1").textContent()).toBe("online");
    await screenshot(page, "fleet-dir2-offline");

    await restartAgent(labInstance(), "dir2");
    await eventually("dir2 online again", async () => (await linkState("dir2").textContent()) === "online", 30_000, 200);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
  }, 180_000);
});

describe("a service under traffic", () => {
  it("plots non-zero connection and byte rates in its live charts", async () => {
    await page.goto(`${dash.url}/directors/dir2/services/${NAT}`);
    for (const title of ["Connections per second", "Traffic in (bit/s)"]) {
      const chart = page.getByRole("figure", { name: title });
      await expect
        .poll(async () => Number(await chart.getAttribute("data-total-max")), { timeout: 60_000, interval: 1000 })
        .toBeGreaterThan(0);
    }
    await page.getByRole("img", { name: /Topology of/ }).waitFor();
    await screenshot(page, "service");
  }, 120_000);
});

describe("DR readiness", () => {
  it("finds a real server without the VIP on lo through its realserver agent and fixes it", async () => {
    await ok("dir1-rs1", ["ip", "addr", "del", "172.16.0.200/32", "dev", "lo"]);
    await page.goto(`${dash.url}/directors/dir1/sysctls`);
    const rs = page.getByTestId(`readiness-${DR}`).getByTestId("readiness-rs-10.0.0.11:80");
    const fix = rs.getByRole("button", { name: "Apply fix" });
    await fix.waitFor({ timeout: 30_000 });
    await screenshot(page, "sysctls-not-ready");
    await fix.click();
    await eventually("VIP back on lo", async () => (await ok("dir1-rs1", ["ip", "-4", "-o", "addr", "show", "dev", "lo"])).includes("172.16.0.200/32"), 15_000);
    // the panel re-asks the realserver agent; under load that takes a while
    await expect.poll(async () => await rs.getByRole("button", { name: "Apply fix" }).count(), { timeout: 60_000, interval: 1000 }).toBe(0);
    await screenshot(page, "sysctls");
  }, 120_000);
});

/** Connection entries in dir2's kernel table (all of them, or those to one real server). */
async function kernelConns(realServer?: string): Promise<number> {
  const lines = (await ipvsadm("dir2", "-Lnc")).trim().split("\n").slice(2);
  return realServer ? lines.filter((l) => l.trim().split(/\s+/)[5] === realServer).length : lines.length;
}

/** "1 234 of 1 234 entries match; showing 1–1 000" as numbers (formatCount groups with U+202F). */
async function connSummary(): Promise<{ matched: number; scanned: number; from: number; to: number }> {
  const text = ((await page.getByTestId("conn-summary").textContent()) ?? "").replace(/\u202f/g, "");
  const m = /^(\d+) of (\d+) entries match; showing (\d+)–(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`unexpected connection summary: ${text}`);
  const [matched, scanned, from, to] = m.slice(1).map(Number) as [number, number, number, number];
  return { matched, scanned, from, to };
}

describe("every page", () => {
  it("renders the connection table, the audit log and the dark theme", async () => {
    // Without traffic the table only shrinks (entries expire), so the count the page shows
    // lies between the kernel's counts read before and after it.
    await quiet("dir2");
    await new Promise((r) => setTimeout(r, 2000));
    const before = await kernelConns();
    await page.goto(`${dash.url}/directors/dir2/connections`);
    try {
      await page.getByTestId("conn-summary").waitFor({ timeout: 90_000 });
    } catch (e) {
      // say what the page showed instead (an error box, a stuck progress bar)
      await screenshot(page, "connections-failed");
      throw new Error(`no connection summary; the page said: ${(await page.locator("main").textContent())?.slice(0, 600)}`, { cause: e });
    }
    const all = await connSummary();
    const after = await kernelConns();
    // the traffic of the tests above left entries (TIME_WAIT lasts 2 minutes)
    expect(before).toBeGreaterThan(0);
    expect(all.scanned).toBeLessThanOrEqual(before);
    expect(all.scanned).toBeGreaterThanOrEqual(after);
    expect(all.matched).toBe(all.scanned);
    expect([all.from, all.to]).toEqual([1, Math.min(all.matched, 1000)]);
    await screenshot(page, "connections");
    // a real-server filter: only that server's entries match, out of the whole table
    const rsBefore = await kernelConns("10.0.0.11:80");
    await page.getByLabel("Real server", { exact: true }).fill("10.0.0.11:80");
    await page.getByRole("button", { name: "Apply" }).click();
    const filteredOrNull = await eventually("the filtered summary", async () => {
      const s = await connSummary().catch(() => null);
      return s && s.matched < s.scanned ? s : null;
    }, 60_000, 500);
    const filtered = filteredOrNull!;
    const rsAfter = await kernelConns("10.0.0.11:80");
    expect(rsBefore).toBeGreaterThan(0);
    expect(filtered.matched).toBeLessThanOrEqual(rsBefore);
    expect(filtered.matched).toBeGreaterThanOrEqual(rsAfter);

    await page.goto(`${dash.url}/audit`);
    await page.getByRole("heading", { name: /Audit/ }).first().waitFor();
    // the fix above was audited: a row of action readiness.fix for the DR VIP that succeeded
    // (the Action filter's own option also reads "readiness.fix", so look inside the rows)
    const fixRows = page.locator('tr[data-testid^="audit-"]').filter({ has: page.locator("td", { hasText: /^readiness\.fix$/ }) });
    await expect.poll(async () => await fixRows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const cells = await fixRows.first().locator("td").allTextContents();
    expect(cells[2]).toBe("readiness.fix");
    expect(cells[4]).toBe("172.16.0.200");
    expect(cells[6]).toMatch(/^ok/); // after the Change column
    await screenshot(page, "audit");

    await page.goto(`${dash.url}/directors/dir1`);
    await page.getByRole("button", { name: "Dark theme" }).click();
    await expect.poll(async () => await page.evaluate(() => document.documentElement.classList.contains("dark"))).toBe(true);
    await screenshot(page, "director-dark");
  }, 200_000);
});
