// The browser side of the drain benchmark: Debian's Chromium through playwright-core on a
// director's page, with a probe in the page that notes when the click event fires and when
// the POST /api/drains response has fully arrived (the Resource Timing entry's responseEnd),
// both on the page's own clock.
import { type Browser, chromium, type Locator, type Page } from "playwright-core";

export const CHROMIUM = process.env.LVS_CHROMIUM ?? "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // no background networking: this machine's closed network refuses Google's hosts
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** Signs the page in through the sign-in form, then lands on `path`. */
export async function signIn(page: Page, baseUrl: string, admin: { username: string; password: string }, path: string): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(path)}`);
  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Password").fill(admin.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === path, { timeout: 60_000 });
}

declare global {
  interface Window {
    __benchClicks?: number[];
  }
}

/** Records the time of every click (capture phase, before React's handler runs). */
export async function installClickProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    if (window.__benchClicks) return;
    window.__benchClicks = [];
    document.addEventListener("click", () => window.__benchClicks?.push(performance.now()), { capture: true });
    // keep every resource entry: the default buffer of 250 fills up during a long run
    performance.setResourceTimingBufferSize(100_000);
  });
}

/** In-page ms from the last click to the end of the POST /api/drains response that followed it. */
export async function inPageClickToResponse(page: Page): Promise<number> {
  return page.evaluate(() => {
    const click = window.__benchClicks?.at(-1);
    if (click === undefined) throw new Error("no click was recorded in the page");
    const entries = performance
      .getEntriesByType("resource")
      .filter((e): e is PerformanceResourceTiming => e instanceof PerformanceResourceTiming)
      .filter((e) => new URL(e.name).pathname === "/api/drains" && e.startTime >= click && e.responseEnd > 0);
    const first = entries.sort((a, b) => a.startTime - b.startTime)[0];
    if (!first) throw new Error("no /api/drains request after the click in the page's resource timing");
    return first.responseEnd - click;
  });
}

export function destRow(page: Page, service: string, dest: string): Locator {
  return page.getByTestId(`service-${service}`).getByTestId(`dest-row-${dest}`);
}

export interface ClickResult {
  /** host: from just before playwright's click to the response event */
  hostMs: number;
  status: number;
  body: unknown;
}

/** Clicks the row's "Drain" button and waits for the server's answer to POST /api/drains. */
export async function clickDrain(page: Page, row: Locator): Promise<ClickResult> {
  const button = row.getByRole("button", { name: "Drain", exact: true });
  await button.waitFor({ state: "visible", timeout: 30_000 });
  const response = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/drains" && r.request().method() === "POST", { timeout: 60_000 });
  const t0 = performance.now();
  await button.click();
  const r = await response;
  const hostMs = performance.now() - t0;
  return { hostMs, status: r.status(), body: await r.json().catch(() => null) };
}
