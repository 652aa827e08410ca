// End to end in Debian's Chromium against the lab's real kernels: "Drain on all directors of
// ha-pair" on one real server sets its weight to 0 in BOTH directors' kernels (ipvsadm -S -n is
// the oracle), new requests on both directors avoid it, both directors' pages show the group
// drain as drained, and Undrain puts the weight back on both.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, eventually, GROUP, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { clearAll, ipvsadm, quiet, resetRules, sh } from "./lab.ts";

const DIRS = ["dir1", "dir2"] as const;
const VIP = "172.16.0.100";
const SVC = `tcp:${VIP}:80`;
const RS = "10.0.0.11";

let session: DashboardSession;
let dash: Dashboard;
let page: Page;

/** weight of RS in SVC in a director's kernel, from ipvsadm -S -n */
async function kernelWeight(dir: string): Promise<number | null> {
  const save = await ipvsadm(dir, "-S", "-n");
  const m = new RegExp(`^-a -t ${VIP.replace(/\./g, "\\.")}:80 -r ${RS.replace(/\./g, "\\.")}:80 \\S+ -w (\\d+)`, "m").exec(save);
  return m ? Number(m[1]) : null;
}

function destRow(): Locator {
  return page.getByTestId(`service-${SVC}`).getByTestId(`dest-row-${RS}:80`);
}

beforeAll(async () => {
  for (const d of DIRS) {
    await quiet(d);
    // no lingering entries: the drain's countdown starts from this test's connections only
    await clearAll(d);
    await resetRules(d);
  }
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  for (const d of DIRS) await resetRules(d);
}, 120_000);

describe("a group drain", () => {
  it("drains a real server on every director of the group, in the kernels and on both pages, then undrains it", async () => {
    for (const d of DIRS) expect(await kernelWeight(d)).toBe(1);
    await page.goto(`${dash.url}/directors/dir1`);
    await destRow().waitFor({ timeout: 30_000 });
    const clicked = Date.now();
    await destRow().getByRole("button", { name: `Drain on all directors of ${GROUP}` }).click();
    for (const d of DIRS) await eventually(`${d}: kernel weight 0`, async () => (await kernelWeight(d)) === 0, 5_000, 50);
    expect(Date.now() - clicked).toBeLessThanOrEqual(5_000);
    // only that server, only that service
    for (const d of DIRS) {
      const save = await ipvsadm(d, "-S", "-n");
      expect(save).toContain(`-a -t ${VIP}:80 -r 10.0.0.12:80 -m -w 1`);
      expect(save).toContain(`-a -t 172.16.0.200:80 -r ${RS}:80 -g -w 1`);
      // new requests on each director never reach the drained server
      const answers = await sh(`${d}-c`, `for i in 1 2 3 4 5 6; do busybox wget -q -O - http://${VIP}/; done`);
      const servers = answers.trim().split("\n");
      expect(servers).toHaveLength(6);
      expect(servers.filter((s) => s === `${d}-rs1`)).toEqual([]);
      expect(new Set(servers)).toEqual(new Set([`${d}-rs2`, `${d}-rs3`]));
    }

    // both directors' pages show the same group job, drained (no connections were on it)
    for (const d of DIRS) {
      if (d !== "dir1") await page.goto(`${dash.url}/directors/${d}`);
      const row = destRow();
      await expect.poll(async () => (await row.getByTestId("drain-status").textContent()) ?? "", { timeout: 30_000 }).toBe("drained");
      await expect.poll(async () => (await row.textContent()) ?? "", { timeout: 10_000 }).toContain(`group drain on ${GROUP}: dir1, dir2`);
      await screenshot(page, `group-drained-${d}`);
    }
    // the server's record agrees (the page's cookies sign the request in)
    type Job = { group?: string; targets: Record<string, { status: string }> };
    const body = (await (await page.request.get(`${dash.url}/api/drains`)).json()) as { jobs: Job[] | Record<string, Job> };
    const job = Object.values(body.jobs).find((j) => j.group === GROUP);
    expect(job && Object.fromEntries(Object.entries(job.targets).map(([k, t]) => [k, t.status]))).toEqual({ dir1: "drained", dir2: "drained" });

    // Undrain (from dir2's page) restores the weight on every director of the group
    await destRow().getByRole("button", { name: "Undrain" }).click();
    for (const d of DIRS) await eventually(`${d}: kernel weight restored`, async () => (await kernelWeight(d)) === 1, 10_000, 100);
  }, 240_000);
});
