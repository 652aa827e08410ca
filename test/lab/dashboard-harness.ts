// Browser tests against the lab: the dashboard server (a child process, production build)
// registered with the lab's real agents, driven in Debian's Chromium through playwright-core.
// Every page visited gets a screenshot in test-results/screenshots/ (a CI artifact).
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { type Dashboard, ensureBuilt, labDirectorsForDashboard, startDashboard } from "@/lab/dashboard.ts";
import { REPO_ROOT } from "@/lab/paths.ts";
import { labState } from "./lab.ts";

export const CHROMIUM = process.env.LVS_CHROMIUM ?? "/usr/bin/chromium";
export const SCREENSHOTS = join(REPO_ROOT, "test-results", "screenshots");
/** the lab's two directors form this HA group in the dashboard */
export const GROUP = "ha-pair";

export async function startLabDashboard(): Promise<Dashboard> {
  ensureBuilt(() => {});
  return startDashboard({
    dataDir: mkdtempSync(join(tmpdir(), "lvs-dashboard-")),
    directors: labDirectorsForDashboard(labState(), GROUP),
  });
}

export async function openBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium keeps trying to reach Google's
    // hosts, which this machine's closed network refuses.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface DashboardSession {
  dash: Dashboard;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/** The lab's dashboard, a browser and a page signed in as the admin: what every browser test
 * file starts with. */
export async function openDashboardSession(): Promise<DashboardSession> {
  const dash = await startLabDashboard();
  const browser = await openBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await signIn(page, dash);
  return {
    dash,
    browser,
    page,
    async close() {
      await browser.close();
      await dash.stop();
    },
  };
}

/** Signs the page in through the sign-in form as the dashboard's admin, back on `path`. */
export async function signIn(page: Page, dash: Dashboard, path = "/"): Promise<void> {
  await page.goto(`${dash.url}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Username").fill(dash.admin.username);
  await page.getByLabel("Password").fill(dash.admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === path, { timeout: 30_000 });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Polls fn until it returns a truthy value or the time is up (then throws with `what`). */
export async function eventually<T>(what: string, fn: () => Promise<T>, timeoutMs: number, stepMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms (last: ${last instanceof Error ? last.message : String(last)})`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
