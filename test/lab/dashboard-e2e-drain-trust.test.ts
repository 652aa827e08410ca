// End to end in Debian's Chromium against the lab's real kernel (issue 16 items 2 and 4):
// a drain job left in the data folder while the kernel's weight went back to 1 (ipvsadm -e with
// the server stopped) shows as interrupted after the server restarts on the same data folder,
// audited; each real-server row's state badge and share bar follow real traffic (ipvsadm
// --rate is the oracle) and a drain; Delete is an outline button, and the service cards share
// one column grid.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, labDirectorsForDashboard, startDashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, GROUP, eventually, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { clearAll, ipvsadm, labState, quiet, resetRules, sh } from "./lab.ts";

const DIR = "dir1";
const CLIENT = `${DIR}-c`;
const VIP = "172.16.0.100";
const SVC = `tcp:${VIP}:80`;
const RS = ["10.0.0.11", "10.0.0.12", "10.0.0.13"] as const;
/** the client's request loop (its pid in the client namespace), stopped before the next file */
const LOAD_PID = "/tmp/drain-trust-load.pid";
const stopLoad = () => sh(CLIENT, `[ -f ${LOAD_PID} ] && kill $(cat ${LOAD_PID}) 2>/dev/null; rm -f ${LOAD_PID}; true`);

let session: DashboardSession;
/** the dashboard running now (the second start replaces the first) */
let dash: Dashboard;
let page: Page;

const card = (svc = SVC): Locator => page.getByTestId(`service-${svc}`);
const row = (rs: string): Locator => card().getByTestId(`dest-row-${rs}:80`);
const text = async (l: Locator) => ((await l.textContent({ timeout: 5_000 })) ?? "").trim();

async function kernelWeight(rs: string): Promise<number | null> {
  const m = new RegExp(`^-a -t ${VIP.replace(/\./g, "\\.")}:80 -r ${rs.replace(/\./g, "\\.")}:80 \\S+ -w (\\d+)`, "m").exec(await ipvsadm(DIR, "-S", "-n"));
  return m ? Number(m[1]) : null;
}

/** Each real server's share of the service's bytes/s (in + out), from ipvsadm -Ln --rate. */
async function kernelShares(): Promise<Record<string, number>> {
  const lines = (await ipvsadm(DIR, "-Ln", "--rate")).split("\n");
  const at = lines.findIndex((l) => l.startsWith(`TCP  ${VIP}:80 `));
  const bytes: Record<string, number> = {};
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith("  ->")) break;
    const f = l.trim().split(/\s+/);
    bytes[f[1]!.replace(/:80$/, "")] = Number(f[5]) + Number(f[6]);
  }
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  return Object.fromEntries(Object.entries(bytes).map(([k, v]) => [k, total > 0 ? v / total : 0]));
}

const shownShare = async (rs: string) => Number(await row(rs).getByTestId("share").getAttribute("data-share", { timeout: 5_000 }));
const rowState = async (rs: string) => (await row(rs).getByTestId("rs-state").getAttribute("data-state", { timeout: 5_000 })) ?? "";

beforeAll(async () => {
  await quiet(DIR);
  await clearAll(DIR);
  await resetRules(DIR);
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await stopLoad();
  await session?.browser.close();
  await dash?.stop();
  // no TIME_WAIT entries of this file's requests left for the next one
  await clearAll(DIR);
  await resetRules(DIR);
}, 120_000);

describe("drains the operator can trust, rows read at a glance", () => {
  it("a drain job left in the data folder while the kernel weight went back to 1 is interrupted after a restart, audited", async () => {
    await page.goto(`${dash.url}/directors/${DIR}`);
    await row(RS[0]).getByRole("button", { name: "Drain", exact: true }).click();
    await eventually("kernel weight 0", async () => (await kernelWeight(RS[0])) === 0, 5_000, 100);
    await expect.poll(() => text(row(RS[0]).getByTestId("drain-status")), { timeout: 15_000 }).toMatch(/^(drained|draining: .*)$/);
    expect(["drained", "draining"]).toContain(await rowState(RS[0]));

    // the server stops; someone puts the weight back by hand; the server starts on the same data folder
    const { dataDir, port } = dash;
    await dash.stop();
    await ipvsadm(DIR, "-e", "-t", `${VIP}:80`, "-r", `${RS[0]}:80`, "-m", "-w", "1");
    dash = await startDashboard({ dataDir, port, directors: labDirectorsForDashboard(labState(), GROUP) });
    await page.goto(`${dash.url}/directors/${DIR}`);
    const status = row(RS[0]).getByTestId("drain-status");
    await expect.poll(() => text(status), { timeout: 20_000 }).toBe(`drain interrupted: weight is 1 in the kernel of ${DIR}, not 0: set outside this drain job`);
    expect(await status.getAttribute("data-phase")).toBe("interrupted");
    // not "Undrain · draining · ETA unknown": the row serves again and offers Drain
    expect(await row(RS[0]).getByRole("button", { name: "Undrain" }).count()).toBe(0);
    expect(await row(RS[0]).getByRole("button", { name: "Drain", exact: true }).count()).toBe(1);
    expect(["serving", "up"]).toContain(await rowState(RS[0]));
    expect(await text(row(RS[0]).getByTestId("weight"))).toBe("1");
    expect(await kernelWeight(RS[0])).toBe(1);
    await screenshot(page, "drain-interrupted-after-restart");

    type Entry = { action: string; user: string; director: string; ok: boolean; result: { kernelWeight: number; reason: string } };
    const audit = (await (await page.request.get(`${dash.url}/api/audit?action=drain.interrupted&limit=5`)).json()) as Entry[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "drain.interrupted", user: "system", director: DIR, ok: true, result: { kernelWeight: 1 } });
  }, 120_000);

  it("each row's share bar follows the kernel's bytes/s, and a drain turns its badge to draining and its share to 0", async () => {
    // steady requests over the three real servers (rr) for about 45 s
    await sh(CLIENT, `{ for i in $(seq 1 300); do busybox wget -q -O /dev/null http://${VIP}/; sleep 0.15; done; } </dev/null >/dev/null 2>&1 & echo $! > ${LOAD_PID}`);
    const close = (a: number, b: number) => Math.abs(a - b) <= 0.12;
    await eventually(
      "shares shown as the kernel's",
      async () => {
        const kernel = await kernelShares();
        if (!RS.every((r) => (kernel[r] ?? 0) > 0.2)) return false;
        for (const r of RS) if (!close(await shownShare(r), kernel[r]!)) return false;
        return true;
      },
      20_000,
      500,
    );
    expect(await row(RS[1]).getByTestId("share").getAttribute("data-basis")).toBe("bytes");
    expect(await text(row(RS[1]).getByTestId("share"))).toMatch(/^\d+%/);
    const sum = (await Promise.all(RS.map(shownShare))).reduce((a, b) => a + b, 0);
    expect(sum).toBeGreaterThan(0.97);
    expect(sum).toBeLessThan(1.03);
    await screenshot(page, "rows-share-bars");

    // drain the third: the requests' TIME_WAIT entries keep its job counting down, its share falls to 0
    await row(RS[2]).getByRole("button", { name: "Drain", exact: true }).click();
    await eventually("kernel weight 0", async () => (await kernelWeight(RS[2])) === 0, 5_000, 100);
    await expect.poll(() => rowState(RS[2]), { timeout: 10_000 }).toBe("draining");
    expect(await row(RS[2]).getByTestId("rs-state").getAttribute("title")).toMatch(/^draining · no health checks · weight 0/);
    await eventually("the drained server's share near 0, as in the kernel", async () => (await shownShare(RS[2])) < 0.05 && (await kernelShares())[RS[2]]! < 0.05, 40_000, 500);
    expect((await shownShare(RS[0])) + (await shownShare(RS[1]))).toBeGreaterThan(0.95);
    // the topology labels it by the traffic it carries: never "N% drained" with N above 0
    await page.goto(`${dash.url}/directors/${DIR}/services/${encodeURIComponent(SVC)}`);
    const node = page.getByTestId(`topology-${RS[2]}:80`);
    await node.waitFor({ timeout: 15_000 });
    expect(await text(node)).toMatch(new RegExp(`^${RS[2]}:80 (0% · drained|<?\\d+% · draining)`));
    expect(await text(node)).not.toMatch(/[1-9]\d*% drained/);
    await screenshot(page, "topology-draining");
    await stopLoad();
    await page.goto(`${dash.url}/directors/${DIR}`);
    await row(RS[2]).getByRole("button", { name: "Undrain" }).click();
    await eventually("kernel weight restored", async () => (await kernelWeight(RS[2])) === 1, 10_000, 100);
  }, 150_000);

  it("Delete is an outline button out of the primary path, and every service card has the same column grid", async () => {
    const del = row(RS[1]).getByRole("button", { name: `Delete real server ${RS[1]}:80` });
    expect(await del.getAttribute("data-variant")).toBe("outline-danger");
    const bg = (l: Locator) => l.evaluate((e) => getComputedStyle(e).backgroundColor);
    expect(await bg(del)).toBe("rgba(0, 0, 0, 0)");
    expect(await bg(card().getByRole("button", { name: `Delete service ${SVC}` }))).toBe("rgba(0, 0, 0, 0)");
    expect(await bg(row(RS[1]).getByRole("button", { name: "Drain", exact: true }))).not.toBe("rgba(0, 0, 0, 0)");
    const columns = async (svc: string) =>
      card(svc)
        .locator("thead th")
        .evaluateAll((ths) => ths.map((th) => { const r = th.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.width)]; }));
    const nat = await columns(SVC);
    expect(nat.length).toBe(12);
    expect(await columns("tcp:172.16.0.200:80")).toEqual(nat);
  }, 60_000);
});
