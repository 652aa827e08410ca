// End to end in Debian's Chromium against the lab's real kernel: create a service and two real
// servers through the dashboard (ipvsadm -S -n is the oracle), drain one (kernel weight 0
// within 2 s, new requests avoid it while an open connection continues, the countdown ends
// in "drained"), undrain it, and import rules with a diff preview that applies what it showed.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Dashboard } from "@/lab/dashboard.ts";
import { type DashboardSession, eventually, openDashboardSession, screenshot } from "./dashboard-harness.ts";
import { ipvsadm, ok, quiet, resetRules, run, sh } from "./lab.ts";

const DIR = "dir1";
const CLIENT = `${DIR}-c`;
const VIP = "172.16.0.150";
const SVC = `tcp:${VIP}:80`;

let session: DashboardSession;
let dash: Dashboard;
let page: Page;

/** weight of a real server of SVC in the kernel, from ipvsadm -S -n */
async function kernelWeight(rs: string): Promise<number | null> {
  const save = await ipvsadm(DIR, "-S", "-n");
  const m = new RegExp(`^-a -t ${VIP.replace(/\./g, "\\.")}:80 -r ${rs.replace(/\./g, "\\.")}:80 \\S+ -w (\\d+)`, "m").exec(save);
  return m ? Number(m[1]) : null;
}

/** [ActiveConn, InActConn] of a real server of SVC in the kernel, from ipvsadm -Ln */
async function kernelCounts(rs: string): Promise<[number, number]> {
  const lines = (await ipvsadm(DIR, "-Ln")).split("\n");
  const at = lines.findIndex((l) => l.startsWith(`TCP  ${VIP}:80 `));
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith("  ->")) break;
    const f = l.trim().split(/\s+/);
    if (f[1] === `${rs}:80`) return [Number(f[4]), Number(f[5])];
  }
  throw new Error(`${rs}:80 is not a real server of ${SVC} in the kernel`);
}

const COUNTDOWN = /^draining: (\d+) active, (\d+) inactive · (ETA unknown|ETA (?:(\d+)s|(\d+)m (\d\d)s))$/;

function serviceCard(): Locator {
  return page.getByTestId(`service-${SVC}`);
}

beforeAll(async () => {
  await quiet(DIR);
  await resetRules(DIR);
  // the new service's VIP must be answered on the client segment
  await run(DIR, ["ip", "addr", "add", `${VIP}/32`, "dev", "br0"]);
  session = await openDashboardSession();
  ({ dash, page } = session);
}, 240_000);

afterAll(async () => {
  await session?.close();
  await run(DIR, ["ip", "addr", "del", `${VIP}/32`, "dev", "br0"]);
  await resetRules(DIR);
}, 120_000);

describe("the dashboard against real directors", () => {
  it("creates a service and two real servers that ipvsadm then shows", async () => {
    await page.goto(`${dash.url}/directors/${DIR}`);
    await page.getByRole("button", { name: "Create service" }).first().click();
    const form = page.getByRole("form", { name: "Create service" });
    await form.getByLabel("Virtual IP (IPv4 or IPv6)").fill(VIP);
    await form.getByLabel("Port").fill("80");
    await form.getByLabel("Scheduler").selectOption("rr");
    await form.getByRole("button", { name: "Create service" }).click();
    await serviceCard().waitFor({ timeout: 15_000 });
    for (const rs of ["10.0.0.11", "10.0.0.12"]) {
      await serviceCard().getByRole("button", { name: "Add real server" }).first().click();
      const f = page.getByRole("form", { name: `Add real server to ${SVC}` });
      await f.getByLabel("Real server IP").fill(rs);
      await f.getByLabel("Port").fill("80");
      await f.getByLabel("Forwarding").selectOption("masq");
      await f.getByLabel("Weight").fill("1");
      await f.getByRole("button", { name: "Add real server" }).click();
      await serviceCard().getByTestId(`dest-row-${rs}:80`).waitFor({ timeout: 15_000 });
    }
    const save = await ipvsadm(DIR, "-S", "-n");
    expect(save).toContain(`-A -t ${VIP}:80 -s rr`);
    expect(save).toContain(`-a -t ${VIP}:80 -r 10.0.0.11:80 -m -w 1`);
    expect(save).toContain(`-a -t ${VIP}:80 -r 10.0.0.12:80 -m -w 1`);
    await screenshot(page, "director-after-create");
  });

  it("drains a real server: weight 0 within 2 s, new requests avoid it, open connections finish, countdown to drained", async () => {
    // Eight short requests 3 s apart leave four TIME_WAIT entries on each real server that
    // expire one after another about 2 minutes later: the countdown must fall and get an ETA.
    await sh(CLIENT, `for i in 1 2 3 4 5 6 7 8; do busybox wget -q -O /dev/null http://${VIP}/; sleep 3; done`);
    // Two connections held open (rr puts one on each real server); each sends its request
    // only after the drain, so its answer proves an established connection kept working.
    await sh(CLIENT, "rm -f /tmp/long*.out");
    for (const n of [1, 2]) {
      // every fd redirected, or the lab's exec would wait for the background job
      await sh(CLIENT, `{ (sleep 12; printf 'GET / HTTP/1.0\\r\\n\\r\\n') | busybox nc ${VIP} 80; } </dev/null >/tmp/long${n}.out 2>&1 &`);
    }
    await eventually("both long connections established", async () => {
      const open = (await ipvsadm(DIR, "-Lnc")).split("\n").filter((l) => l.includes("ESTABLISHED") && l.includes(`${VIP}:80`));
      return open.some((l) => l.includes("10.0.0.11:80")) && open.some((l) => l.includes("10.0.0.12:80"));
    }, 10_000);

    const row = serviceCard().getByTestId("dest-row-10.0.0.11:80");
    const clicked = Date.now();
    await row.getByRole("button", { name: "Drain", exact: true }).click();
    await eventually("kernel weight 0", async () => (await kernelWeight("10.0.0.11")) === 0, 2_000, 50);
    const toZeroMs = Date.now() - clicked;
    expect(toZeroMs).toBeLessThanOrEqual(2_000);
    expect(await kernelWeight("10.0.0.12")).toBe(1);
    // the countdown shows the kernel's numbers: 1 active (the long connection), 4 inactive
    const status = row.getByTestId("drain-status");
    const held = await kernelCounts("10.0.0.11");
    expect(held).toEqual([1, 4]);
    await expect.poll(async () => (await status.textContent()) ?? "", { timeout: 10_000 }).toBe("draining: 1 active, 4 inactive · ETA unknown");
    expect(await kernelCounts("10.0.0.11")).toEqual(held);
    await screenshot(page, "director-draining");

    // new requests only reach the other real server
    const answers = await sh(CLIENT, `for i in 1 2 3 4 5 6; do busybox wget -q -O - http://${VIP}/; done`);
    expect(answers.trim().split("\n")).toEqual(Array(6).fill(`${DIR}-rs2`));
    // the connection opened before the drain still gets its answer from the drained server
    const long = await eventually("long connections answered", async () => {
      const out = await ok(CLIENT, ["sh", "-c", "cat /tmp/long1.out /tmp/long2.out 2>/dev/null"]);
      return out.includes(`${DIR}-rs1`) && out.includes(`${DIR}-rs2`) ? out : "";
    }, 30_000);
    expect(long).toContain(`${DIR}-rs1`);

    // Inactive entries (FIN/TIME_WAIT) expire on the kernel's timers, about 2 minutes after
    // the short requests: once one has gone, the countdown shows fewer, within the kernel's
    // recent counts, and an ETA from the falling count.
    const recent: { t: number; inactive: number }[] = [];
    const fallenOrNull = await eventually("a falling countdown with an ETA", async () => {
      const [active, inactive] = await kernelCounts("10.0.0.11");
      recent.push({ t: Date.now(), inactive });
      const m = COUNTDOWN.exec((await status.textContent()) ?? "");
      if (!m || m[3] === "ETA unknown" || active !== 0) return null;
      const shown = Number(m[2]);
      const eta = m[4] !== undefined ? Number(m[4]) : Number(m[5]) * 60 + Number(m[6]);
      return shown < 5 && shown > 0 ? { shownActive: Number(m[1]), shown, eta, kernelNow: inactive } : null;
    }, 170_000, 1000);
    const fallen = fallenOrNull!;
    expect(fallen.shownActive).toBe(0);
    // the server's count may lag the kernel by a stats push, never lead it
    expect(fallen.shown).toBeGreaterThanOrEqual(fallen.kernelNow);
    expect(fallen.shown).toBeLessThanOrEqual(Math.max(...recent.filter((r) => r.t > Date.now() - 10_000).map((r) => r.inactive)));
    // a least-squares ETA over the last 30 s: after the first expiry it is long (one step in a
    // flat window), but finite and positive, not "unknown" or "done"
    expect(fallen.eta).toBeGreaterThan(0);
    expect(fallen.eta).toBeLessThan(3600);
    await screenshot(page, "director-draining-eta");
    await expect.poll(async () => (await status.textContent()) ?? "", { timeout: 170_000, interval: 1000 }).toMatch(/drained/i);
    expect(await row.getByTestId("active-conns").textContent()).toBe("0");
    expect(await row.getByTestId("inactive-conns").textContent()).toBe("0");
    await screenshot(page, "director-drained");

    await row.getByRole("button", { name: "Undrain" }).click();
    await eventually("kernel weight restored", async () => (await kernelWeight("10.0.0.11")) === 1, 5_000, 100);
  }, 330_000);

  it("imports rules with a diff preview and applies exactly what it showed", async () => {
    const before = await ipvsadm(DIR, "-S", "-n");
    await page.getByRole("button", { name: "Import" }).click();
    const rules = ["-A -t 172.16.0.160:80 -s wrr", "-a -t 172.16.0.160:80 -r 10.0.0.13:80 -m -w 3"];
    await page.getByLabel("ipvsadm rules (ipvsadm -S -n format)").fill(`${rules.join("\n")}\n`);
    await page.getByLabel("Merge (add and change only)").check();
    await page.getByRole("button", { name: "Preview changes" }).click();
    const preview = page.getByRole("region", { name: "Import preview" });
    await preview.waitFor({ timeout: 15_000 });
    const shown = (await preview.textContent()) ?? "";
    expect(shown).toContain("2 added");
    expect(shown).toContain("0 removed");
    expect(shown).toContain("172.16.0.160:80");
    expect(shown).toContain("10.0.0.13:80");
    await screenshot(page, "director-import-preview");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(async () => (await page.getByRole("status").filter({ hasText: "Applied" }).count()) > 0, { timeout: 15_000 }).toBe(true);
    const after = await ipvsadm(DIR, "-S", "-n");
    // exactly the previewed additions, nothing else changed
    const added = after.split("\n").filter((l) => l && !before.split("\n").includes(l));
    expect(added.sort()).toEqual([...rules].sort());
    expect(before.split("\n").filter((l) => l && !after.split("\n").includes(l))).toEqual([]);
  }, 120_000);
});
