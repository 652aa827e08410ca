// Dashboard benchmark 2: from the "Drain" click in the browser to weight 0 in the kernel,
// against `ipvsadm -e ... -w 0` run in the guest (timed there, process start included).
// The server answers POST /api/drains only after the agent's dest.update succeeded, so the
// response marks "weight 0 in the kernel"; each repetition checks it with ipvsadm afterwards.
// Ours is measured twice: in the page (click event -> response fully received, the page's
// clock) and on the host (playwright's click -> response event, includes its automation).
// Between repetitions the drain is undone (POST /api/drains/:job/undrain, weight checked).
// Run: NEXT_DIST_DIR=.next-bench npx tsx bench/drain-latency.ts   (BENCH_REPS=n, default 9)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dashboardLogin, ensureBuilt, startDashboard } from "@/lab/dashboard.ts";
import { DrainJob } from "@/protocol/dashboard/index.ts";
import { clickDrain, destRow, inPageClickToResponse, installClickProbe, launchChromium, signIn } from "./lib/drain-page.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BenchError, type BenchLab, log, timeInGuest, withBenchLab } from "./lib/session.ts";
import { compare } from "./lib/stats.ts";

const VIP = "172.16.0.100";
const SERVICE = `tcp:${VIP}:80`;
/** drained from the browser */
const UI_RS = "10.0.0.11";
/** set to weight 0 by ipvsadm: another real server, so the server's drain job is not disturbed */
const CLI_RS = "10.0.0.12";

async function kernelWeight(lab: BenchLab, rs: string): Promise<number | null> {
  const save = await lab.run(lab.director.name, ["ipvsadm", "-S", "-n"]);
  const m = new RegExp(`^-a -t ${VIP.replaceAll(".", "\\.")}:80 -r ${rs.replaceAll(".", "\\.")}:80 \\S+ -w (\\d+)`, "m").exec(save);
  return m ? Number(m[1]) : null;
}

async function expectWeight(lab: BenchLab, rs: string, weight: number, what: string): Promise<void> {
  // the REST answer comes after the kernel's; a short poll only covers the ipvsadm round trip
  const deadline = Date.now() + 5000;
  let w: number | null = null;
  while (Date.now() < deadline) {
    w = await kernelWeight(lab, rs);
    if (w === weight) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new BenchError(`${what}: the kernel shows weight ${w} for ${rs}, expected ${weight}`);
}

export function drainLatencyBench(): Promise<BenchResult> {
  return withBenchLab("drain", async (lab) => {
    const n = reps(9);
    const result = newResult("drain-latency", lab.memoryMb);
    ensureBuilt(log);
    const dataDir = mkdtempSync(join(tmpdir(), "lvs-bench-drain-"));
    const dash = await startDashboard({
      dataDir,
      // no group: a grouped director's row offers a second, group-wide drain button
      directors: [{ name: lab.director.name, url: lab.director.agentUrl, token: lab.director.agentToken, group: "" }],
    });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await signIn(page, dash.url, dash.admin, `/directors/${lab.director.name}`);
      // the benchmark's own REST session, for the undrain between repetitions
      const rest = await dashboardLogin(dash);
      const row = destRow(page, SERVICE, `${UI_RS}:80`);
      await row.waitFor({ timeout: 120_000 });
      await installClickProbe(page);
      const inPage: number[] = [];
      const host: number[] = [];
      const cli: number[] = [];
      // one untimed round of each first: page code, agent and ipvsadm binaries warm
      for (let i = -1; i < n; i++) {
        await expectWeight(lab, UI_RS, 1, "before the click");
        const click = await clickDrain(page, row);
        if (click.status !== 201) throw new BenchError(`POST /api/drains answered ${click.status}: ${JSON.stringify(click.body)}`);
        const pageMs = await inPageClickToResponse(page);
        await expectWeight(lab, UI_RS, 0, "after the drain response");
        const job = DrainJob.parse(click.body);
        const undo = await fetch(`${dash.url}/api/drains/${encodeURIComponent(job.id)}/undrain`, {
          method: "POST",
          headers: { cookie: rest.cookie, "x-csrf-token": rest.csrf },
        });
        if (!undo.ok) throw new BenchError(`undrain answered ${undo.status}: ${await undo.text()}`);
        await expectWeight(lab, UI_RS, 1, "after undrain");

        const cliMs = await timeInGuest(lab, lab.director.name, `ipvsadm -e -t ${VIP}:80 -r ${CLI_RS}:80 -m -w 0`);
        await expectWeight(lab, CLI_RS, 0, "after ipvsadm -e");
        await lab.run(lab.director.name, ["ipvsadm", "-e", "-t", `${VIP}:80`, "-r", `${CLI_RS}:80`, "-m", "-w", "1"]);
        log(`bench drain ${i < 0 ? "warm-up" : `${i + 1}/${n}`}: in page ${pageMs.toFixed(0)} ms, host ${click.hostMs.toFixed(0)} ms, ipvsadm -e ${cliMs.toFixed(0)} ms`);
        if (i < 0) continue;
        inPage.push(pageMs);
        host.push(click.hostMs);
        cli.push(cliMs);
      }
      result.verdicts.push(
        { label: "Drain click -> POST /api/drains answered (in the page) vs ipvsadm -e -w 0 (in the guest)", comparison: compare(inPage, cli), target: null },
        { label: "Drain click -> response (host, playwright click included) vs ipvsadm -e -w 0 (in the guest)", comparison: compare(host, cli), target: null },
      );
      result.facts.what = `dir1, ${SERVICE}: the UI drains ${UI_RS}:80 (then undrains it over REST), ipvsadm sets ${CLI_RS}:80 to 0 (then back to 1); kernel weights checked with ipvsadm -S -n after every step`;
      return result;
    } finally {
      await browser.close();
      await dash.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}

runAsMain(import.meta.url, drainLatencyBench);
