// End to end in Debian's Chromium against the lab (issue 16 items 7 and 8): the fleet and
// director pages fit a phone's 390 px viewport, where the header folds behind a "Menu" button
// that reaches Sign out; "Skip to content" is the first tab stop and moves the focus to the
// <main>; a focused button shows a ring; the Users page (no live topic) does not claim to be
// connecting; and axe-core finds no serious or critical violation on any page in either theme.
import { createRequire } from "node:module";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, GROUP, openDashboardSession, screenshot, signIn } from "./dashboard-harness.ts";
import { resetRules } from "./lab.ts";

const AXE = createRequire(import.meta.url).resolve("axe-core");
const NAT = "tcp:172.16.0.100:80";

let session: DashboardSession;
let dash: Dashboard;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  await resetRules("dir1");
  session = await openDashboardSession();
  dash = session.dash;
  // axe is injected as an inline script: the page's CSP (nonce scripts only) would refuse it
  context = await session.browser.newContext({ bypassCSP: true, viewport: { width: 1400, height: 1000 } });
  page = await context.newPage();
  await signIn(page, dash);
}, 240_000);

afterAll(async () => {
  await context?.close();
  await session?.close();
}, 60_000);


/** The page's width, and (for the failure message) the outermost elements that stick out past `max`. */
async function widthReport(p: Page, max: number): Promise<{ width: number; wide: string[] }> {
  return p.evaluate((limit) => {
    const wide: string[] = [];
    const sticksOut = (el: Element | null) => !!el && el.getBoundingClientRect().right > limit + 0.5;
    for (const el of Array.from(document.querySelectorAll("body *"))) {
      if (wide.length < 8 && sticksOut(el) && !sticksOut(el.parentElement)) {
        wide.push(`${el.tagName.toLowerCase()}.${Array.from(el.classList).join(".")} right=${Math.round(el.getBoundingClientRect().right)}`);
      }
    }
    return { width: document.documentElement.scrollWidth, wide };
  }, max);
}

async function expectFits(p: Page): Promise<void> {
  const { width, wide } = await widthReport(p, 390);
  expect(width, `wider than 390 px:\n${wide.join("\n")}`).toBeLessThanOrEqual(390);
}

describe("on a phone (390 px)", () => {
  it("the fleet and director pages fit, and the Menu button opens the nav with Sign out", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(dash.url);
      await page.getByTestId("director-row-dir1").waitFor({ timeout: 30_000 });
      await expectFits(page);
      const signOut = page.getByRole("button", { name: "Sign out" });
      expect(await signOut.isVisible()).toBe(false);
      const menu = page.getByRole("button", { name: "Menu" });
      await menu.click();
      expect(await menu.getAttribute("aria-expanded")).toBe("true");
      await signOut.waitFor({ state: "visible", timeout: 5_000 });
      const box = await signOut.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
      expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).isVisible()).toBe(true);
      await expectFits(page);
      await screenshot(page, "a11y-phone-fleet-menu");

      // a followed link closes the menu
      await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Fleet" }).click();
      await page.getByRole("link", { name: "dir1", exact: true }).first().click();
      await page.waitForURL((u) => u.pathname === "/directors/dir1", { timeout: 15_000 });
      await page.getByTestId(`service-${NAT}`).waitFor({ timeout: 30_000 });
      expect(await menu.getAttribute("aria-expanded")).toBe("false");
      await expectFits(page);
      await screenshot(page, "a11y-phone-director");
    } finally {
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
  }, 90_000);
});

describe("keyboard", () => {
  it("'Skip to content' is the first tab stop and moves the focus to main; a focused button shows a ring", async () => {
    await page.goto(dash.url);
    await page.getByTestId("director-row-dir1").waitFor({ timeout: 30_000 });
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.tagName + "#" + document.activeElement?.id)).toBe("MAIN#main");

    // from the top again: Tab through the header to its first button (the theme toggle)
    await page.goto(dash.url);
    await page.getByTestId("director-row-dir1").waitFor({ timeout: 30_000 });
    let ring: { tag: string; outline: string; width: number; shadow: string } | null = null;
    for (let i = 0; i < 15 && !ring; i++) {
      await page.keyboard.press("Tab");
      ring = await page.evaluate(() => {
        const el = document.activeElement;
        if (!(el instanceof HTMLButtonElement)) return null;
        const s = getComputedStyle(el);
        return { tag: el.textContent ?? "", outline: s.outlineStyle, width: Number.parseFloat(s.outlineWidth), shadow: s.boxShadow };
      });
    }
    expect(ring, "no button reached by Tab in the header").not.toBeNull();
    expect(ring!.outline !== "none" && ring!.width >= 2).toBe(true);
  }, 60_000);
});

describe("the live indicator", () => {
  it("says Live on the fleet page and not 'Connecting…' on the Users page, which has no live topic", async () => {
    await page.goto(dash.url);
    await expect.poll(async () => await page.getByTestId("live-status").textContent(), { timeout: 20_000 }).toBe("Live");
    await page.goto(`${dash.url}/users`);
    await page.getByTestId(`user-${dash.admin.username}`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("live-status").textContent()).toBe("Not live");
  }, 60_000);
});

interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core's serious and critical violations on the page as it is now. */
async function axeViolations(p: Page): Promise<Violation[]> {
  if (!(await p.evaluate(() => "axe" in window))) await p.addScriptTag({ path: AXE });
  return p.evaluate(async () => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<Result> } }).axe;
    // violations only: collecting every passing node too doubles the scan's time
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact ?? "", help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`) }));
  });
}

/** Every page, and what shows that it has loaded its data. */
const PAGES: { name: string; path: string; ready: (p: Page) => ReturnType<Page["locator"]> }[] = [
  { name: "fleet", path: "/", ready: (p) => p.getByTestId("director-row-dir1") },
  { name: "director", path: "/directors/dir1", ready: (p) => p.getByTestId(`service-${NAT}`) },
  { name: "service", path: `/directors/dir1/services/${encodeURIComponent(NAT)}`, ready: (p) => p.locator('[data-testid^="dest-row-"]').first() },
  { name: "connections", path: "/directors/dir1/connections", ready: (p) => p.getByTestId("conn-summary") },
  { name: "sysctls", path: "/directors/dir1/sysctls", ready: (p) => p.locator('[data-testid^="sysctl-"]').first() },
  { name: "group", path: `/groups/${GROUP}`, ready: (p) => p.getByTestId("group-master") },
  { name: "audit", path: "/audit", ready: (p) => p.locator('[data-testid^="audit-"]').first() },
  { name: "users", path: "/users", ready: (p) => p.getByTestId(`user-${dash.admin.username}`) },
  { name: "account", path: "/account", ready: (p) => p.getByRole("heading", { level: 1 }) },
  { name: "404", path: "/directors/nope", ready: (p) => p.getByTestId("not-found") },
];

/** Scans the page light, then dark: with no stored choice the theme follows prefers-color-scheme
 * (the dashboard's theme toggle follows its changes; the sign-in page has none: `reload`). */
async function scanBothThemes(p: Page, name: string, found: string[], reload = false): Promise<void> {
  for (const theme of ["light", "dark"] as const) {
    await p.emulateMedia({ colorScheme: theme });
    if (reload) await p.reload();
    await p.waitForFunction((dark) => document.documentElement.classList.contains("dark") === dark, theme === "dark", { timeout: 10_000 });
    for (const v of await axeViolations(p)) found.push(`${name} (${theme}): ${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join("\n    ")}`);
  }
}

describe("axe-core on every page, both themes", () => {
  it("finds no serious or critical violation", async () => {
    const found: string[] = [];
    for (const { name, path, ready } of PAGES) {
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto(`${dash.url}${path}`);
      await ready(page).waitFor({ timeout: 30_000 });
      await expect.poll(async () => await page.getByText(/^(Loading|Checking your session)/).count(), { timeout: 15_000 }).toBe(0);
      await scanBothThemes(page, name, found);
    }
    // the sign-in page, signed out (a fresh context has no session cookie)
    const anon = await session.browser.newContext({ bypassCSP: true });
    try {
      const login = await anon.newPage();
      await login.goto(`${dash.url}/login`);
      await login.getByRole("button", { name: "Sign in" }).waitFor({ timeout: 30_000 });
      await scanBothThemes(login, "login", found, true);
    } finally {
      await anon.close();
    }
    expect(found, found.join("\n")).toEqual([]);
  }, 120_000);
});
