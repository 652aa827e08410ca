// One measurement of the fleet benchmark, the same for both setups: start the dashboard
// server registered with the given agents, wait until every link is online with its table,
// put one simulated browser on the overview page (topic "fleet"), warm up, then measure the
// server's CPU and memory, the achieved stats event rate per agent and the bytes sent to the
// browser against full snapshots over a window.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { type DashboardDirector, ensureBuilt, startDashboard } from "../../lab/dashboard.ts";
import { FleetView } from "../../protocol/dashboard.ts";
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
}

export interface FleetMeasurement {
  label: string;
  directors: number;
  onlineAfterS: number;
  server: GroupUsage;
  browser: MeterWindow & { deltaBytesPerS: number; snapshotBytesPerS: number };
  eventRate: Summary;
  eventRatePerDirector: Record<string, number>;
  loadAverage: number[];
}

/** A fleet delta by the director fields it touches (sparklines, traffic, link, ...). */
function fleetPatchParts(patch: unknown): Record<string, number> {
  const parts: Record<string, number> = {};
  const directors = (patch as { directors?: Record<string, unknown> } | null)?.directors;
  if (!directors || typeof directors !== "object") return parts;
  for (const d of Object.values(directors)) {
    if (!d || typeof d !== "object") continue;
    for (const [field, v] of Object.entries(d)) parts[field] = (parts[field] ?? 0) + Buffer.byteLength(JSON.stringify(v));
  }
  return parts;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitOnline(url: string, o: FleetMeasureOptions): Promise<number> {
  const t0 = Date.now();
  let last = "";
  while (Date.now() - t0 < o.onlineTimeoutMs) {
    const view = FleetView.parse(await (await fetch(`${url}/api/directors`)).json());
    const ds = Object.values(view.directors);
    const ready = ds.filter((d) => d.link === "online" && d.serviceCount === o.services).length;
    const now = `${ready}/${o.directors.length} online with ${o.services} services`;
    if (now !== last) log(`bench ${o.label}: ${now}`);
    last = now;
    if (ready === o.directors.length) return (Date.now() - t0) / 1000;
    await sleep(1000);
  }
  throw new BenchError(`${o.label}: not every director came online with its table within ${o.onlineTimeoutMs / 1000} s (${last})`);
}

export async function measureFleet(o: FleetMeasureOptions): Promise<FleetMeasurement> {
  // The page itself is not loaded (the browser is simulated), but the server needs a build:
  // any build will do, so an existing one is not rebuilt when app/ sources are newer.
  if (!existsSync(join(REPO_ROOT, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID"))) ensureBuilt(log);
  const dataDir = mkdtempSync(join(tmpdir(), "lvs-bench-fleet-"));
  const dash = await startDashboard({ dataDir, directors: o.directors, startTimeoutMs: 180_000 });
  let meter: LiveMeter | undefined;
  try {
    const onlineAfterS = await waitOnline(dash.url, o);
    meter = await LiveMeter.open(dash.url, "fleet", fleetPatchParts);
    log(`bench ${o.label}: all online after ${onlineAfterS.toFixed(0)} s; warming up ${o.warmupS} s`);
    await sleep(o.warmupS * 1000);
    const pgid = dash.proc.pid;
    if (pgid === undefined) throw new BenchError("the dashboard has no pid");
    const before = sampleGroup(pgid);
    const fromMs = Date.now();
    meter.start();
    log(`bench ${o.label}: measuring ${o.windowS} s`);
    await sleep(o.windowS * 1000);
    const win = meter.stop();
    const after = sampleGroup(pgid);
    const toMs = Date.now();
    const loadAverage = loadavg();
    // the event rate is read after the window, so its HTTP requests are not in the CPU figure
    const rates = await achievedEventRate(
      dash.url,
      o.directors.map((d) => d.name),
      fromMs,
      toMs,
    );
    const view = FleetView.parse(meter.view);
    if (Object.keys(view.directors).length !== o.directors.length) {
      throw new BenchError(`the browser's patched view has ${Object.keys(view.directors).length} directors, expected ${o.directors.length}`);
    }
    return {
      label: o.label,
      directors: o.directors.length,
      onlineAfterS,
      server: usageBetween(before, after),
      browser: { ...win, deltaBytesPerS: win.deltaBytes / win.seconds, snapshotBytesPerS: win.snapshotBytes / win.seconds },
      eventRate: rates.summary,
      eventRatePerDirector: rates.perDirector,
      loadAverage,
    };
  } finally {
    meter?.close();
    await dash.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
