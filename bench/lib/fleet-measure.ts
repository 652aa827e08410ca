// One measurement of the fleet benchmark, the same for both setups: start the dashboard
// server registered with the given agents, wait until every director has been online with
// its table, put one simulated browser on the overview page (topic "fleet"), warm up, then
// measure the server's CPU and memory, the achieved stats event rate per agent and the bytes
// sent to the browser against full snapshots over a window.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type DashboardDirector, dashboardLogin, ensureBuilt, startDashboard } from "@/lab/dashboard.ts";
import { FleetView } from "@/protocol/dashboard/index.ts";
import { achievedEventRate } from "./fleet-rate.ts";
import { LiveMeter, type MeterWindow } from "./live-meter.ts";
import { type GroupUsage, sampleGroup, usageBetween } from "./proc-usage.ts";
import { BenchError, log, REPO_ROOT } from "./session.ts";
import type { Summary } from "./stats.ts";

export interface FleetMeasureOptions {
  label: string;
  directors: DashboardDirector[];
  services: number;
  onlineTimeoutMs: number;
  warmupS: number;
  windowS: number;
  /** other process groups whose CPU over the window is reported (the fake agents) */
  alsoMeasure?: number[];
}

export interface FleetMeasurement {
  label: string;
  directors: number;
  onlineAfterS: number;
  /** directors seen online with their whole table before the warm-up */
  seenOnline: number;
  server: GroupUsage;
  browser: MeterWindow & { deltaBytesPerS: number; snapshotBytesPerS: number };
  /** JSON bytes of the deltas by the director field they change (sparklines, traffic, ...) */
  deltaBytesByField: Record<string, number>;
  /** link state changes the browser saw in the window (flapping links under load) */
  linkChanges: number;
  /** directors not online at the end of the window */
  offlineAtEnd: string[];
  /** CPU of the alsoMeasure groups over the window, % of one core, summed */
  othersCpuPercent: number | null;
  eventRate: Summary;
  eventRatePerDirector: Record<string, number>;
  loadAverage: number[];
}

/** Stops the running dashboard (if any): for a signal handler that exits before `finally`. */
let stopRunning: (() => Promise<void>) | null = null;
export function stopRunningDashboard(): Promise<void> {
  return stopRunning?.() ?? Promise.resolve();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every director has been seen online with its whole table (not necessarily at
 * the same moment: under TCG a busy agent can miss a heartbeat and reconnect). Gives up after
 * the timeout and measures anyway: the result then says how many were ever seen. */
async function waitOnline(url: string, cookie: string, o: FleetMeasureOptions): Promise<{ seconds: number; seen: number }> {
  const t0 = Date.now();
  const seen = new Set<string>();
  let last = "";
  while (Date.now() - t0 < o.onlineTimeoutMs) {
    const r = await fetch(`${url}/api/directors`, { headers: { cookie } });
    if (!r.ok) throw new BenchError(`GET /api/directors: HTTP ${r.status} ${await r.text()}`);
    const view = FleetView.parse(await r.json());
    for (const d of Object.values(view.directors)) if (d.link === "online" && d.serviceCount === o.services) seen.add(d.id);
    const now = `${seen.size}/${o.directors.length} seen online with ${o.services} services`;
    if (now !== last) log(`bench ${o.label}: ${now}`);
    last = now;
    if (seen.size === o.directors.length) break;
    await sleep(1000);
  }
  if (seen.size < o.directors.length) log(`bench ${o.label}: giving up waiting after ${o.onlineTimeoutMs / 1000} s (${last}); measuring anyway`);
  return { seconds: (Date.now() - t0) / 1000, seen: seen.size };
}

export async function measureFleet(o: FleetMeasureOptions): Promise<FleetMeasurement> {
  // The page itself is not loaded (the browser is simulated), but the server needs a build:
  // any build will do, so an existing one is not rebuilt when app/ sources are newer.
  if (!existsSync(join(REPO_ROOT, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID"))) ensureBuilt(log);
  const dataDir = mkdtempSync(join(tmpdir(), "lvs-bench-fleet-"));
  const dash = await startDashboard({ dataDir, directors: o.directors, startTimeoutMs: 180_000 });
  // the server runs in its own process group: an interrupted benchmark must stop it
  stopRunning = dash.stop;
  let meter: LiveMeter | undefined;
  try {
    const { cookie } = await dashboardLogin(dash);
    const online = await waitOnline(dash.url, cookie, o);
    const byField: Record<string, number> = {};
    let linkChanges = 0;
    const observe = (patch: unknown) => {
      const directors = (patch as { directors?: Record<string, unknown> } | null)?.directors ?? {};
      for (const d of Object.values(directors)) {
        if (!d || typeof d !== "object") continue;
        for (const [field, v] of Object.entries(d)) byField[field] = (byField[field] ?? 0) + Buffer.byteLength(JSON.stringify(v));
        if ("link" in d) linkChanges++;
      }
    };
    meter = await LiveMeter.open(dash.url, "fleet", { headers: { cookie }, observe });
    log(`bench ${o.label}: ${online.seen} seen online after ${online.seconds.toFixed(0)} s; warming up ${o.warmupS} s`);
    await sleep(o.warmupS * 1000);
    const pgid = dash.proc.pid;
    if (pgid === undefined) throw new BenchError("the dashboard has no pid");
    const before = sampleGroup(pgid);
    const othersBefore = (o.alsoMeasure ?? []).map(sampleGroup);
    const fromMs = Date.now();
    meter.start();
    log(`bench ${o.label}: measuring ${o.windowS} s`);
    await sleep(o.windowS * 1000);
    const win = meter.stop();
    const after = sampleGroup(pgid);
    const othersAfter = (o.alsoMeasure ?? []).map(sampleGroup);
    const toMs = Date.now();
    const loadAverage = loadavg();
    // read after the window, so these HTTP requests are not in the CPU figure
    const rates = await achievedEventRate(
      dash.url,
      cookie,
      o.directors.map((d) => d.name),
      fromMs,
      toMs,
    );
    // not FleetView.parse: a merge patch cannot carry null, so the patched copy lacks the
    // nullable fields that became null (the browser reads them with ?? null)
    const patched = Object.values((meter.view as { directors?: Record<string, { name?: string; link?: string }> }).directors ?? {});
    if (patched.length !== o.directors.length) {
      throw new BenchError(`the browser's patched view has ${patched.length} directors, expected ${o.directors.length}`);
    }
    return {
      label: o.label,
      directors: o.directors.length,
      onlineAfterS: online.seconds,
      seenOnline: online.seen,
      server: usageBetween(before, after),
      browser: { ...win, deltaBytesPerS: win.deltaBytes / win.seconds, snapshotBytesPerS: win.snapshotBytes / win.seconds },
      deltaBytesByField: byField,
      linkChanges,
      offlineAtEnd: patched.filter((d) => d.link !== "online").map((d) => d.name ?? "?"),
      othersCpuPercent: o.alsoMeasure ? othersAfter.reduce((sum, a, i) => sum + usageBetween(othersBefore[i]!, a).cpuPercent, 0) : null,
      eventRate: rates.summary,
      eventRatePerDirector: rates.perDirector,
      loadAverage,
    };
  } finally {
    meter?.close();
    stopRunning = null;
    await dash.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
