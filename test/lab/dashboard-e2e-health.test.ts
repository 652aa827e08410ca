// End to end in Debian's Chromium against the lab's real kernel: an HTTP_GET check configured
// on a real server through the dashboard's checks editor (a wrong field is refused in the
// browser first), then the real server's httpd stopped with the lab's rs-down: its badge turns
// down, the real ipvsadm loses it (health removes it, no inhibit_on_failure), the service page
// still lists it as down from the health view, the transition is in the history with its reason
// and in the audit log as done by "health check"; rs-up brings all of it back. Then the service
// editor's inhibit_on_failure: the next failure zeroes the weight instead; and a real server
// added through the form gets its checks in the editor that follows it.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "@/lab/dashboard.ts";
import { setRealServerUp } from "@/lab/api.ts";
import { type DashboardSession, eventually, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { connectAgent, director, ipvsadm, labInstance, quiet, resetRules } from "./lab.ts";

const DIR = "dir1";
const RS_NS = `${DIR}-rs2`;
const RS = "10.0.0.12:80";
const SVC = "tcp:172.16.0.100:80";
const DELAY_LOOP = 1;
const RETRY = 1;
// keepalived's bound for a failure to act, delay_loop x (retry + 1) + 1 s, plus slack for the
// loaded 2-core TCG guest (the measured time is printed)
const KERNEL_BOUND_MS = (DELAY_LOOP * (RETRY + 1) + 1) * 1000 + 7_000;

let session: DashboardSession;
let dash: Dashboard;
let page: Page;

async function clearChecks(): Promise<void> {
  const a = await connectAgent(director(1));
  try {
    await a.request("health.configure", { config: { services: [] } }, { deadlineMs: 30_000 });
  } finally {
    a.close();
  }
}

/** the real server's weight in the kernel's NAT service, null when the kernel has no such server */
async function kernelWeight(): Promise<number | null> {
  const save = await ipvsadm(DIR, "-S", "-n");
  const m = /^-a -t 172\.16\.0\.100:80 -r 10\.0\.0\.12:80 \S+ -w (\d+)/m.exec(save);
  return m ? Number(m[1]) : null;
}

const row = (): Locator => page.getByTestId(`dest-row-${RS}`);
const badgeState = async () => (await row().getByTestId("health-state").getAttribute("data-state", { timeout: 2_000 })) ?? "";

beforeAll(async () => {
  await quiet(DIR);
  await resetRules(DIR);
  await clearChecks();
  await setRealServerUp(labInstance(), RS_NS, true).catch(() => {});
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 600_000);

afterAll(async () => {
  await session?.close();
  await setRealServerUp(labInstance(), RS_NS, true).catch(() => {});
  await clearChecks().catch(() => {});
  await resetRules(DIR);
}, 120_000);

describe("health checks on the dashboard against the real kernel", () => {
  it("configures an HTTP_GET check through the editor; a wrong field is refused before sending", async () => {
    await page.goto(`${dash.url}/directors/${DIR}/services/${encodeURIComponent(SVC)}`);
    await row().waitFor({ timeout: 30_000 });
    expect(await badgeState()).toBe("none");
    await row().getByRole("button", { name: `Edit real server ${RS}` }).click();
    const form = page.getByRole("form", { name: `Health checks of ${RS}` });
    await form.getByRole("button", { name: "Add checker" }).click();
    const checker = form.getByRole("group", { name: "Checker 1" });
    await checker.getByLabel("Checker", { exact: true }).selectOption("HTTP_GET");
    await checker.getByLabel("url path").fill("/");
    await checker.getByLabel("status_code").fill("200");
    await checker.getByLabel("delay_loop (s)").fill(String(DELAY_LOOP));
    await checker.getByLabel("retry", { exact: true }).fill("-1");
    await checker.getByLabel("delay_before_retry (s)").fill("1");
    await checker.getByLabel("connect_timeout (s)").fill("1");
    await form.getByRole("button", { name: "Save checks" }).click();
    // the agent's schema (retry >= 0), on the field, and nothing was sent
    const retry = checker.getByLabel("retry", { exact: true });
    await expect.poll(() => retry.getAttribute("aria-invalid"), { timeout: 5_000 }).toBe("true");
    expect(await checker.textContent()).toContain("expected number to be >=0");
    const before = await connectAgent(director(1)).then(async (a) => {
      try {
        return await a.request("health.get", { includeConfig: true }, { deadlineMs: 20_000 });
      } finally {
        a.close();
      }
    });
    expect(before.config?.services ?? []).toEqual([]);
    await screenshot(page, "health-editor-refused");

    await retry.fill(String(RETRY));
    await form.getByRole("button", { name: "Save checks" }).click();
    await form.getByRole("status").filter({ hasText: "Checks saved." }).waitFor({ timeout: 60_000 });
    // the agent has exactly what the editor showed
    const a = await connectAgent(director(1));
    try {
      const got = await a.request("health.get", { includeConfig: true }, { deadlineMs: 20_000 });
      const rs = got.config?.services[0]?.realServers.find((r) => `${r.key.address}:${r.key.port}` === RS);
      expect(rs?.checkers).toEqual([{ kind: "HTTP_GET", urls: [{ path: "/", statusCode: [{ from: 200, to: 200 }] }], delayLoop: 1, retry: 1, delayBeforeRetry: 1, connectTimeout: 1 }]);
    } finally {
      a.close();
    }
    await eventually("badge up", async () => (await badgeState()) === "up", 30_000, 250);
    expect(await row().getByTestId("health-state").getAttribute("title")).toMatch(/last check HTTP 200, [\d.]+ m?s at /);
    expect(await kernelWeight()).toBe(1);
    await screenshot(page, "health-up");
  }, 240_000);

  it("rs-down: the badge turns down, ipvsadm loses the server, the page still lists it, the history has it", async () => {
    const t0 = Date.now();
    await setRealServerUp(labInstance(), RS_NS, false);
    await eventually("kernel lost the real server", async () => (await kernelWeight()) === null, KERNEL_BOUND_MS, 200);
    const kernelMs = Date.now() - t0;
    console.log(`rs-down -> ipvsadm without ${RS}: ${kernelMs} ms (bound ${KERNEL_BOUND_MS} ms)`);
    // only the checked service's entry goes: the other real servers stay, and so does the DR
    // service's entry for the same address (it has no check)
    const save = await ipvsadm(DIR, "-S", "-n");
    expect(save).toMatch(/^-a -t 172\.16\.0\.100:80 -r 10\.0\.0\.11:80 -m -w 1/m);
    expect(save).toMatch(/^-a -t 172\.16\.0\.200:80 -r 10\.0\.0\.12:80 -g -w 1/m);
    await eventually("badge down", async () => (await badgeState()) === "down", 30_000, 250);
    console.log(`rs-down -> badge down: ${Date.now() - t0} ms`);
    // listed from the health view, since the kernel's table no longer has it: the health topic
    // may turn the badge before the director topic drops the kernel row (a full run saw it)
    await eventually("listed as held out", async () => (await row().getAttribute("data-held-out", { timeout: 2_000 })) === "true", 15_000, 250);
    expect(await row().getByTestId("health-state").getAttribute("title")).toMatch(/down: .*last check (connect refused|timeout|HTTP)/);
    const down = page.getByTestId("health-history").locator(`[data-testid="transition"][data-dest="${RS}"][data-to="down"]`);
    await down.first().waitFor({ timeout: 15_000 });
    expect(await down.first().textContent()).toMatch(/connect refused|timeout|HTTP/);
    // the latency chart got points from the health:<id>:<service> topic
    const points = Number(await page.getByRole("figure", { name: "Check latency" }).getAttribute("data-points"));
    expect(points).toBeGreaterThan(0);
    await screenshot(page, "health-down");
  }, 120_000);

  it("rs-up: back in the kernel with its weight, badge up, the recovery in the history and the audit log", async () => {
    const t0 = Date.now();
    await setRealServerUp(labInstance(), RS_NS, true);
    await eventually("kernel has the real server again", async () => (await kernelWeight()) === 1, KERNEL_BOUND_MS, 200);
    console.log(`rs-up -> ipvsadm with ${RS}: ${Date.now() - t0} ms`);
    await eventually("badge up", async () => (await badgeState()) === "up", 30_000, 250);
    // a kernel row again once the director's table (topic director:<id>) has it back
    await eventually("a kernel row again", async () => (await row().getAttribute("data-held-out", { timeout: 2_000 })) === null, 15_000, 250);
    const up = page.getByTestId("health-history").locator(`[data-testid="transition"][data-dest="${RS}"][data-from="down"][data-to="up"]`);
    await up.first().waitFor({ timeout: 15_000 });
    await screenshot(page, "health-recovered");

    await page.goto(`${dash.url}/audit`);
    await page.getByLabel("Action").selectOption("health.transition");
    const entries = page.locator('[data-testid^="audit-"]').filter({ hasText: RS });
    await eventually("two health.transition entries", async () => (await entries.count()) >= 2, 20_000, 500);
    const text = (await entries.allTextContents()).join("\n");
    expect(text).toContain("health check");
    expect(text).toContain("health.transition");
    await screenshot(page, "health-audit");
  }, 120_000);

  it("the service editor's inhibit_on_failure: rs-down zeroes the weight in the kernel instead of removing it", async () => {
    await page.goto(`${dash.url}/directors/${DIR}/services/${encodeURIComponent(SVC)}`);
    await page.getByRole("button", { name: `Edit service ${SVC}` }).click();
    const form = page.getByRole("form", { name: `Health settings of ${SVC}` });
    await form.getByLabel("inhibit_on_failure").selectOption("yes");
    await form.getByLabel("quorum").fill("0");
    await form.getByRole("button", { name: "Save health settings" }).click();
    await expect.poll(() => form.getByLabel("quorum").getAttribute("aria-invalid"), { timeout: 5_000 }).toBe("true");
    await form.getByLabel("quorum").fill("1");
    await form.getByRole("button", { name: "Save health settings" }).click();
    await form.getByRole("status").filter({ hasText: "Health settings saved." }).waitFor({ timeout: 60_000 });
    await eventually("badge up again after the new configuration", async () => (await badgeState()) === "up", 30_000, 250);

    const t0 = Date.now();
    await setRealServerUp(labInstance(), RS_NS, false);
    await eventually("kernel weight 0", async () => (await kernelWeight()) === 0, KERNEL_BOUND_MS, 200);
    console.log(`inhibit: rs-down -> ipvsadm weight 0: ${Date.now() - t0} ms (bound ${KERNEL_BOUND_MS} ms)`);
    await eventually("badge down", async () => (await badgeState()) === "down", 30_000, 250);
    // still in the kernel's table: a kernel row, weight 0
    await eventually("kernel row at weight 0", async () => (await row().getByTestId("weight").textContent({ timeout: 2_000 })) === "0", 15_000, 250);
    expect(await row().getAttribute("data-held-out")).toBeNull();
    await screenshot(page, "health-inhibit-down");

    await setRealServerUp(labInstance(), RS_NS, true);
    await eventually("kernel weight 1", async () => (await kernelWeight()) === 1, KERNEL_BOUND_MS, 200);
    await eventually("badge up", async () => (await badgeState()) === "up", 30_000, 250);
  }, 180_000);

  it("a real server added through the form gets its checks in the editor that follows", async () => {
    const rs3 = "10.0.0.13:80";
    await ipvsadm(DIR, "-d", "-t", "172.16.0.100:80", "-r", rs3);
    const row3 = page.getByTestId(`dest-row-${rs3}`);
    await eventually("the row gone", async () => (await row3.count()) === 0, 15_000, 250);
    await page.getByTestId(`service-${SVC}`).getByRole("button", { name: "Add real server" }).first().click();
    const f = page.getByRole("form", { name: `Add real server to ${SVC}` });
    await f.getByLabel("Real server IP").fill("10.0.0.13");
    await f.getByLabel("Port").fill("80");
    await f.getByLabel("Forwarding").selectOption("masq");
    await f.getByLabel("Weight").fill("2");
    await f.getByRole("button", { name: "Add real server" }).click();
    const form = page.getByRole("form", { name: `Health checks of ${rs3}` });
    await form.waitFor({ timeout: 30_000 });
    await form.getByRole("button", { name: "Add checker" }).click();
    const checker = form.getByRole("group", { name: "Checker 1" });
    expect(await checker.getByLabel("Checker", { exact: true }).inputValue()).toBe("TCP_CHECK");
    await checker.getByLabel("delay_loop (s)").fill("1");
    await form.getByRole("button", { name: "Save checks" }).click();
    await form.getByRole("status").filter({ hasText: "Checks saved." }).waitFor({ timeout: 60_000 });
    const a = await connectAgent(director(1));
    try {
      const got = await a.request("health.get", { includeConfig: true }, { deadlineMs: 20_000 });
      const rs = got.config?.services[0]?.realServers.find((r) => `${r.key.address}:${r.key.port}` === rs3);
      expect(rs?.checkers).toEqual([{ kind: "TCP_CHECK", delayLoop: 1 }]);
      // the weight health restores is the one the form added
      expect(rs?.config.weight).toBe(2);
    } finally {
      a.close();
    }
    await eventually("badge up", async () => (await row3.getByTestId("health-state").getAttribute("data-state", { timeout: 2_000 })) === "up", 30_000, 250);
    expect(await ipvsadm(DIR, "-S", "-n")).toMatch(/^-a -t 172\.16\.0\.100:80 -r 10\.0\.0\.13:80 -m -w 2/m);
    await page.getByRole("button", { name: "Done" }).click();
  }, 120_000);
});
