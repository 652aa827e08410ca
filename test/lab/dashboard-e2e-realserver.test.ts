// End to end in Debian's Chromium against the lab (issue 16 item 3): the fleet page lists the
// lab's realserver agents apart from the directors, with their DR readiness as the agents
// report it; an agent's page shows its ARP sysctls (the kernel's values as oracle) and its
// readiness with failed checks first, without service buttons or a Connections tab; unknown
// director, service and agent-connections URLs are the 404 page.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, GROUP, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { director, labState, ok, resetRules, run } from "./lab.ts";

let session: DashboardSession;
let dash: Dashboard;
let page: Page;
const VIP = "172.16.0.200";

beforeAll(async () => {
  for (const d of labState().directors) await resetRules(d.name);
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  // the failure test may have stopped half-way: put the lab's DR setup back
  await run(director(1).realServerAgent!.name, ["ip", "addr", "add", `${VIP}/32`, "dev", "lo"]);
}, 120_000);

const rsName = () => director(1).realServerAgent!.name;
const rsRow = () => page.getByTestId("realserver-agents").locator('tr[data-testid^="rs-agent-row-"]').filter({ hasText: rsName() });

/** The agent's page URL, from its fleet row's link. */
async function agentHref(): Promise<string> {
  await page.goto(dash.url);
  const href = await rsRow().getByRole("link", { name: rsName() }).getAttribute("href", { timeout: 20_000 });
  expect(href).toBeTruthy();
  return `${dash.url}${href}`;
}

describe("the fleet page's real-server section", () => {
  it("lists the lab's realserver agents apart from the directors, with their readiness", async () => {
    await page.goto(dash.url);
    await expect.poll(async () => (await rsRow().getByTestId("rs-readiness").textContent()) ?? "", { timeout: 60_000, interval: 500 }).toMatch(/^ready \(\d+ VIPs?\)$/);
    const agents = labState().directors.filter((d) => d.realServerAgent).length;
    expect(await page.locator('[data-testid^="rs-agent-row-"]').count()).toBe(agents);
    // the directors' tables hold the directors only
    const group = page.getByTestId(`group-${GROUP}`);
    expect(await group.locator('tr[data-testid^="director-row-"]').count()).toBe(labState().directors.length);
    expect(await group.getByText(rsName()).count()).toBe(0);
    await screenshot(page, "fleet-realserver-agents");
  }, 120_000);
});

describe("a realserver agent's page", () => {
  it("shows its ARP sysctls and readiness, no service buttons and no Connections tab", async () => {
    await page.goto(await agentHref());
    const arp = page.getByTestId("arp-net.ipv4.conf.all.arp_ignore");
    await arp.waitFor({ timeout: 30_000 });
    const kernel = (await ok(rsName(), ["sysctl", "-n", "net.ipv4.conf.all.arp_ignore"])).trim();
    expect((await arp.locator("td").allTextContents())[1]).toBe(kernel);
    expect(await page.locator('[data-testid^="arp-net.ipv4.conf."][data-testid$=".arp_announce"]').count()).toBeGreaterThan(1);
    const vip = page.getByTestId(`agent-vip-${director(1).name}-${VIP}`);
    await expect.poll(async () => await vip.getByTestId("agent-vip-status").textContent(), { timeout: 60_000, interval: 500 }).toBe("ready");
    expect(await vip.getByTestId("check-vip-on-lo").count()).toBe(1);
    expect(await vip.locator('[data-testid^="check-arp_ignore:"]').count()).toBeGreaterThan(0);
    for (const name of ["Create service", "Import", "Export"]) expect(await page.getByRole("button", { name }).count(), name).toBe(0);
    const tabs = await page.getByRole("navigation", { name: "Director" }).getByRole("link").allTextContents();
    expect(tabs).not.toContain("Connections");
    expect(tabs).not.toContain("Services");
    await screenshot(page, "realserver-agent");
  }, 120_000);

  it("shows a failed check first, and the fleet row says not ready, when the VIP leaves lo", async () => {
    const href = await agentHref();
    await ok(rsName(), ["ip", "addr", "del", `${VIP}/32`, "dev", "lo"]);
    try {
      await page.goto(href);
      const vip = page.getByTestId(`agent-vip-${director(1).name}-${VIP}`);
      await expect.poll(async () => await vip.getByTestId("agent-vip-status").textContent(), { timeout: 60_000, interval: 500 }).toBe("not ready");
      // failed checks (the VIP on lo, and the host route that goes with it) above the passing ARP ones
      const marks = (await vip.locator("tr").locator("td:first-child").allTextContents()).join("");
      expect(marks).toMatch(/^✗+✓+$/);
      expect((await vip.getByTestId("check-vip-on-lo").locator("td").allTextContents())[0]).toBe("✗");
      await page.goto(dash.url);
      await expect.poll(async () => (await rsRow().getByTestId("rs-readiness").textContent()) ?? "", { timeout: 60_000, interval: 500 }).toMatch(new RegExp(`^not ready: ${VIP.replace(/\./g, "\\.")} on `));
    } finally {
      await run(rsName(), ["ip", "addr", "add", `${VIP}/32`, "dev", "lo"]);
    }
  }, 180_000);
});

describe("unknown URLs", () => {
  it("answer the 404 page: a director, a service, an agent's connections", async () => {
    const notFound = page.getByTestId("not-found");
    const res = await page.goto(`${dash.url}/directors/nope`);
    await notFound.waitFor({ timeout: 30_000 });
    // the pages render in the browser (the fleet is read there), so the HTTP status stays 200
    expect(res?.status()).toBe(200);
    await page.goto(`${dash.url}/directors/dir1/services/${encodeURIComponent("tcp:172.16.0.1:81")}`);
    await notFound.waitFor({ timeout: 30_000 });
    await page.goto(`${dash.url}/directors/dir1/services/not-a-key`);
    await notFound.waitFor({ timeout: 30_000 });
    await page.goto(`${(await agentHref())}/connections`);
    await notFound.waitFor({ timeout: 30_000 });
    // and a known service still renders (the gate is not a blanket 404)
    await page.goto(`${dash.url}/directors/dir1/services/${encodeURIComponent(`tcp:${VIP}:80`)}`);
    await page.getByRole("link", { name: /all services of dir1/ }).waitFor({ timeout: 30_000 });
    expect(await notFound.count()).toBe(0);
  }, 120_000);
});
