// Soak (issue 14 item 10): the demo's fleet (the ha lab: a VRRP pair with live traffic, the
// dashboard server with both agents as group ha-pair) for SOAK_MINUTES (default 30) with
// Chromium open on the live pages: one tab stays on the fleet page, one on the group page, and
// one walks fleet -> director -> service -> group once a minute (live topics subscribed and
// released over and over). The server's RSS (its node process, and the whole `npx tsx`
// process group) is sampled every SOAK_SAMPLE_S (60) seconds; the report gives it at the start
// (after one sample of warm-up), at the end, its peak and the growth per hour.
// Run: npx tsx bench/soak.ts   (SOAK_INSTANCE=name to use a lab already up with --topology ha)
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { down, status, UP_DEFAULTS, up } from "@/lab/api.ts";
import { ensureBuilt, labDirectorsForDashboard, startDashboard } from "@/lab/dashboard.ts";
import { openBrowser, signIn } from "@/test/lab/dashboard-harness.ts";
import { runAsMain } from "./lib/main.ts";
import { sampleGroup } from "./lib/proc-usage.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { log } from "./lib/session.ts";

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const SAMPLE_S = Number(process.env.SOAK_SAMPLE_S ?? 60);
/** growth of the server's RSS over the soak that is worth a look (not an issue target) */
const GROWTH_LIMIT_MB = 50;
const GROUP = "ha-pair";

interface Sample {
  minute: number;
  serverMb: number;
  groupMb: number;
  pageErrors: number;
}

async function soak(): Promise<BenchResult> {
  const reuse = process.env.SOAK_INSTANCE;
  const instance = reuse ?? "bench-soak";
  ensureBuilt((l) => log(l));
  if (!reuse) {
    const old = await status(instance).catch(() => null);
    if (old?.guests.some((g) => g.alive)) await down(instance);
  }
  const lab = reuse ? (await status(instance)).state : await up({ ...UP_DEFAULTS, instance, topology: "ha", directors: 2, directorsPerGuest: 2, trafficRate: 5, log });
  const dash = await startDashboard({ dataDir: mkdtempSync(join(tmpdir(), "lvs-soak-")), directors: labDirectorsForDashboard(lab, GROUP) });
  const browser = await openBrowser();
  const errors: string[] = [];
  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (e) => errors.push(e.message));
    await signIn(page, dash, path);
    return page;
  };
  const samples: Sample[] = [];
  try {
    await open("/");
    await open(`/groups/${GROUP}`);
    const walker = await open("/");
    // the lab's NAT service (lab/directors.ts defaultRules) on its MASTER
    const walk = ["/", "/directors/dir1", `/directors/dir1/services/${encodeURIComponent("tcp:172.16.0.100:80")}`, `/groups/${GROUP}`];
    const started = performance.now();
    const rss = () => {
      const s = sampleGroup(dash.proc.pid!);
      const main = s.procs.reduce((m, p) => (p.rssKb > m.rssKb ? p : m));
      return { serverMb: main.rssKb / 1024, groupMb: s.procs.reduce((a, p) => a + p.rssKb, 0) / 1024 };
    };
    for (let k = 0; performance.now() - started < MINUTES * 60_000; k++) {
      await walker.goto(`${dash.url}${walk[k % walk.length]}`).catch((e: Error) => errors.push(`walk: ${e.message}`));
      await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
      const minute = (performance.now() - started) / 60_000;
      const m = rss();
      samples.push({ minute, ...m, pageErrors: errors.length });
      log(`soak: ${minute.toFixed(1)} min: server ${m.serverMb.toFixed(1)} MB (group ${m.groupMb.toFixed(1)} MB), page errors ${errors.length}`);
    }
  } finally {
    await browser.close().catch(() => {});
    await dash.stop().catch(() => {});
    if (!reuse) await down(instance).catch(() => {});
  }
  if (samples.length < 2) throw new Error(`the soak took ${samples.length} sample(s): SOAK_MINUTES ${MINUTES} is shorter than two of SOAK_SAMPLE_S ${SAMPLE_S}`);
  // the first sample is the warm-up (Next's pages compiled in, caches filled): start from it
  const first = samples[0]!;
  const last = samples[samples.length - 1]!;
  const peak = Math.max(...samples.map((s) => s.serverMb));
  const growth = last.serverMb - first.serverMb;
  const hours = (last.minute - first.minute) / 60;
  const r = newResult("soak", 0);
  r.checks.push({ label: `server RSS growth over ${(last.minute - first.minute).toFixed(0)} min`, value: growth, unit: "MB", limit: GROWTH_LIMIT_MB, met: growth < GROWTH_LIMIT_MB });
  r.facts = {
    minutes: Number(last.minute.toFixed(1)),
    serverRssStartMb: Number(first.serverMb.toFixed(1)),
    serverRssEndMb: Number(last.serverMb.toFixed(1)),
    serverRssPeakMb: Number(peak.toFixed(1)),
    serverRssGrowthMbPerHour: Number((hours > 0 ? growth / hours : 0).toFixed(1)),
    processGroupRssEndMb: Number(last.groupMb.toFixed(1)),
    pageErrors: errors.slice(0, 20),
    samples: samples.map((s) => [Number(s.minute.toFixed(1)), Number(s.serverMb.toFixed(1))]),
  };
  return r;
}

runAsMain(import.meta.url, soak);
