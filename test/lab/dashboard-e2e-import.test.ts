// Issue 16 item 1 in Debian's Chromium against the lab's real kernel: Export (the downloaded
// ipvsadm -S -n file), change one weight, Preview shows exactly that one change with its
// before → after, Apply with Replace sets the weight in the kernel (ipvsadm -S -n) and leaves
// the counters (ipvsadm -Ln --stats --exact) as they were: a flush and rebuild would zero them.
// A failing preview clears the previous one; the text area numbers its lines.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "@/lab/dashboard.ts";
import { NAT_VIP } from "@/lab/directors.ts";
import { type DashboardSession, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { ipvsadm, quiet, resetRules, sh } from "./lab.ts";

const DIR = "dir1";
const RS = "10.0.0.11:80";
const REQUESTS = 7;
const esc = (s: string) => s.replace(/\./g, "\\.");
const RS_LINE = new RegExp(`^(-a -t ${esc(NAT_VIP)}:80 -r ${esc(RS)} \\S+) -w (\\d+)$`, "m");

let session: DashboardSession;
let dash: Dashboard;
let page: Page;

async function stats(): Promise<string[]> {
  const out = await ipvsadm(DIR, "-Ln", "--stats", "--exact");
  return out.split("\n").filter((l) => /^(TCP|UDP|SCTP|FWM)\s|^\s+->\s+\d/.test(l)).map((l) => l.trim().replace(/\s+/g, " "));
}

beforeAll(async () => {
  await quiet(DIR);
  await resetRules(DIR);
  await sh(`${DIR}-c`, `for i in $(seq ${REQUESTS}); do busybox wget -q -O /dev/null http://${NAT_VIP}/; done`);
  const deadline = Date.now() + 10_000;
  while (!(await stats()).some((r) => r.startsWith(`TCP ${NAT_VIP}:80 ${REQUESTS} `))) {
    if (Date.now() > deadline) throw new Error(`ipvsadm --stats never showed ${REQUESTS} conns: ${(await stats()).join(" | ")}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  await resetRules(DIR);
}, 120_000);

describe("rules import in the browser", () => {
  it("Export → one weight edited → Preview shows one change before → after → Replace applies only it", async () => {
    await page.goto(`${dash.url}/directors/${DIR}`);
    const exportBtn = page.getByRole("button", { name: "Export", exact: true });
    await exportBtn.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 15_000 }), exportBtn.click()]);
    expect(download.suggestedFilename()).toBe(`${DIR}-ipvsadm.rules`);
    const exported = readFileSync(await download.path(), "utf8");
    // the export is the kernel's table
    expect(exported.split("\n").filter(Boolean).sort()).toEqual((await ipvsadm(DIR, "-S", "-n")).split("\n").filter(Boolean).sort());
    const m = RS_LINE.exec(exported);
    expect(m?.[2]).toBe("1");
    const edited = exported.replace(RS_LINE, "$1 -w 6");
    const statsBefore = await stats();
    const saveBefore = await ipvsadm(DIR, "-S", "-n");

    await page.getByRole("button", { name: "Import", exact: true }).click();
    const area = page.getByLabel("ipvsadm rules (ipvsadm -S -n format)");
    await area.fill(edited);
    // the gutter numbers every line of the text (at least the 8 rows it shows empty)
    const lines = edited.split("\n").length;
    const gutter = ((await page.getByTestId("line-numbers").textContent()) ?? "").split("\n");
    expect(gutter).toEqual(Array.from({ length: Math.max(8, lines) }, (_, i) => String(i + 1)));
    await page.getByLabel("Replace (also remove what is not in the rules)").check();
    await page.getByRole("button", { name: "Preview changes" }).click();
    const preview = page.getByRole("region", { name: "Import preview" });
    await preview.waitFor({ timeout: 30_000 });
    expect(await preview.locator("p").first().textContent()).toBe("0 added, 1 changed, 0 removed");
    const items = await preview.getByRole("listitem").allTextContents();
    expect(items).toEqual([`~ real server tcp:${NAT_VIP}:80 → ${RS}: weight 1 → 6`]);
    await screenshot(page, "import-one-weight-preview");
    // the preview is a dry run: nothing changed yet
    expect(await ipvsadm(DIR, "-S", "-n")).toBe(saveBefore);

    await page.getByRole("button", { name: "Apply", exact: true }).click();
    const status = page.getByRole("status").filter({ hasText: /applied/i });
    await expect.poll(async () => (await status.count()) > 0 ? await status.first().textContent() : "", { timeout: 30_000 }).toBe("Applied 1 change.");
    const saveAfter = await ipvsadm(DIR, "-S", "-n");
    expect(RS_LINE.exec(saveAfter)?.[2]).toBe("6");
    expect(saveAfter).toBe(saveBefore.replace(RS_LINE, "$1 -w 6"));
    // past an estimator tick, so a reset would show
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await stats()).toEqual(statsBefore);
    await screenshot(page, "import-one-weight-applied");
  }, 180_000);

  it("a failing preview clears the previous one", async () => {
    const area = page.getByLabel("ipvsadm rules (ipvsadm -S -n format)");
    await area.fill(`-A -t 198.51.100.7:80 -s rr\n-a -t 198.51.100.7:80 -r 10.0.0.12:80 -m -w 2\n`);
    await page.getByLabel("Merge (add and change only)").check();
    await page.getByRole("button", { name: "Preview changes" }).click();
    const preview = page.getByRole("region", { name: "Import preview" });
    await expect.poll(async () => (await preview.count()) > 0 ? await preview.locator("p").first().textContent() : "", { timeout: 30_000 }).toBe("2 added, 0 changed, 0 removed");
    expect(await preview.getByRole("listitem").allTextContents()).toContain("+ real server tcp:198.51.100.7:80 → 10.0.0.12:80");
    // line 2 cannot parse: the agent's dry run names it, and the old rows are gone
    await area.fill(`-A -t 198.51.100.7:80 -s rr\n-a -t 198.51.100.7:80 -r not-an-address -m\n`);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect.poll(async () => (await preview.getByRole("alert").allTextContents()).join(" "), { timeout: 30_000 }).toMatch(/line 2: /);
    expect((await preview.getByRole("listitem").allTextContents()).filter((t) => t.includes("10.0.0.12"))).toEqual([]);
    expect(await page.getByRole("button", { name: "Apply", exact: true }).isDisabled()).toBe(true);
    await screenshot(page, "import-failed-preview");
    // a preview whose request fails (the server unreachable): no preview at all, the error shown
    await area.fill(`-A -t 198.51.100.7:80 -s rr\n-a -t 198.51.100.7:80 -r 10.0.0.12:80 -m -w 2\n`);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect.poll(async () => (await preview.count()) > 0 ? await preview.locator("p").first().textContent() : "", { timeout: 30_000 }).toBe("2 added, 0 changed, 0 removed");
    await page.route("**/rules/import", (r) => r.abort("connectionrefused"));
    await area.fill(`-A -t 198.51.100.7:80 -s rr\n-a -t 198.51.100.7:80 -r 10.0.0.12:80 -m -w 3\n`);
    await page.getByRole("button", { name: "Preview changes" }).click();
    await expect.poll(async () => await page.getByRole("alert").count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await preview.count()).toBe(0);
    expect(await page.getByRole("button", { name: "Apply", exact: true }).isDisabled()).toBe(true);
    await page.unroute("**/rules/import");
    // nothing reached the kernel
    expect(await ipvsadm(DIR, "-S", "-n")).not.toContain("198.51.100.7");
  }, 120_000);
});
