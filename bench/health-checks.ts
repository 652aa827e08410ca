// Benchmark: health checks of 1,000 real servers (100 services x 10), delay_loop 1 s, for 60 s:
// the agent's CPU seconds and RSS against Debian's keepalived checker process (keepalived
// --check) doing the same configuration in the same guest, at the same time.
//   lab     one guest, two directors (dir1, dir2), each on its own segment with 5 real-server
//           namespaces (10.0.0.11-15), each answering on :80 (the lab's busybox httpd) and :8080
//           (a second busybox httpd started here): 10 real servers per service
//   ours    dir1's agent, the keepalived.conf imported through rules.import (format keepalived)
//   oracle  keepalived --check on the same file in dir2 (dir2's agent is stopped, its table
//           emptied, so keepalived alone writes it); the checker child's utime+stime and VmRSS
// Both run side by side through one window; each side's achieved check rate is the TCP
// ActiveOpens of its director namespace (one connection per check). Targets (TCP_CHECK): CPU
// <= 1.0x keepalived's, RSS growth < 30 MB; HTTP_GET at the same scale is reported.
// Run: npx tsx bench/health-checks.ts   (BENCH_HEALTH_KINDS=TCP,HTTP  BENCH_WINDOW_S=60
//      BENCH_WARMUP_S=15  BENCH_REPS=n windows per kind  BENCH_REUSE=<instance of this shape>)
import { controlFor, requireState } from "@/lab/api.ts";
import type { ControlClient } from "@/lab/control-client.ts";
import { REAL_SERVER_IPS, stopAgent } from "@/lab/directors.ts";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { type GuestSample, guestBusyPercent, procWindow, sampleGuest } from "./lib/guest-proc.ts";
import { type CheckKind, HEALTH_BENCH, HEALTH_BENCH_RULE_LINES, healthBenchConf, healthBenchTargets } from "./lib/health-conf.ts";
import { keepalivedAccepts, ruleLines, startKeepalived, stopKeepalived, waitRuleLines } from "./lib/keepalived-run.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BenchError, type BenchLab, log, withBenchLab } from "./lib/session.ts";
import { compare } from "./lib/stats.ts";

const RSS_LIMIT_MB = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const envSeconds = (name: string, d: number) => Number(process.env[name] ?? d) * 1000;
const round = (x: number, d = 2) => Number(x.toFixed(d));

interface Window {
  kind: CheckKind;
  seconds: number;
  ours: ReturnType<typeof procWindow> & { rssBeforeImportMb: number };
  theirs: ReturnType<typeof procWindow>;
  keepalivedParentCpuSeconds: number;
  guestBusyPercent: number;
  hostLoad: { before: string; after: string };
  agentStates: Record<string, number>;
  /** real servers whose last result is older than 3 delay_loops at the end (checks falling behind) */
  agentStaleResults: number;
  ruleLinesAfter: { ours: number; theirs: number };
  importWarnings: number;
}

const uptime = async () => (await import("node:os")).loadavg().map((x) => x.toFixed(2)).join(" ");

async function agentClient(lab: BenchLab): Promise<AgentClient> {
  const client = new AgentClient({ url: lab.director.agentUrl, token: lab.director.agentToken, heartbeatMs: 0 });
  await client.connect();
  return client;
}

async function importConf(lab: BenchLab, conf: string): Promise<number> {
  const client = await agentClient(lab);
  try {
    const r = await client.request(
      "rules.import",
      { source: { format: "keepalived", text: conf, files: {} }, mode: "replace", dryRun: false, report: "counts" },
      { deadlineMs: 600_000 },
    );
    if (!r.applied) throw new BenchError(`the agent did not apply the keepalived.conf: ${r.errors.map((e) => `line ${e.line}: ${e.message}`).join("; ")}`);
    for (const w of r.warnings ?? []) log(`bench health-checks: import warning: line ${w.line}: ${w.message}`);
    return r.warnings?.length ?? 0;
  } finally {
    client.close();
  }
}

async function agentHealth(lab: BenchLab): Promise<{ states: Record<string, number>; stale: number }> {
  const client = await agentClient(lab);
  try {
    const s = await client.request("health.get", { includeConfig: false }, { deadlineMs: 120_000 });
    const states: Record<string, number> = {};
    let stale = 0;
    for (const r of s.realServers) {
      states[r.state] = (states[r.state] ?? 0) + 1;
      if (!r.lastResult || s.time - r.lastResult.at > 3000) stale++;
    }
    return { states, stale };
  } finally {
    client.close();
  }
}

async function oneWindow(lab: BenchLab, kind: CheckKind, agentPid: number): Promise<Window> {
  const [ours, theirs] = [lab.directors[0]!, lab.directors[1]!];
  const c = controlFor(requireState(lab.instance), lab.guest);
  const conf = healthBenchConf(kind, healthBenchTargets(REAL_SERVER_IPS(HEALTH_BENCH.realServers)));
  const confPath = `/run/lab/bench-health-${kind}.conf`;
  await lab.run(lab.guest, ["sh", "-c", `cat > ${confPath}`], { stdin: conf });
  await keepalivedAccepts(lab, theirs.name, confPath);
  const beforeImport = await sampleGuest(lab, [agentPid]);
  const importWarnings = await importConf(lab, conf);
  const ka = await startKeepalived(lab, c, theirs.name, confPath);
  try {
    await waitRuleLines(lab, ours.name, HEALTH_BENCH_RULE_LINES);
    await waitRuleLines(lab, theirs.name, HEALTH_BENCH_RULE_LINES);
    log(`bench health-checks: ${kind}: both tables hold ${HEALTH_BENCH_RULE_LINES} lines; warm-up`);
    await sleep(envSeconds("BENCH_WARMUP_S", 15));
    const pids = [agentPid, ka.checkerPid, ka.parentPid];
    const loadBefore = await uptime();
    const windowMs = envSeconds("BENCH_WINDOW_S", 60);
    const samples: GuestSample[] = [await sampleGuest(lab, pids)];
    while (samples.at(-1)!.atMs - samples[0]!.atMs < windowMs) {
      await sleep(Math.min(10_000, windowMs - (samples.at(-1)!.atMs - samples[0]!.atMs)));
      samples.push(await sampleGuest(lab, pids));
    }
    const loadAfter = await uptime();
    const [a, b] = [samples[0]!, samples.at(-1)!];
    const health = await agentHealth(lab);
    const w: Window = {
      kind,
      seconds: (b.atMs - a.atMs) / 1000,
      ours: { ...procWindow(a, b, agentPid), rssBeforeImportMb: beforeImport.procs.get(agentPid)!.rssKb / 1024 },
      theirs: procWindow(a, b, ka.checkerPid),
      keepalivedParentCpuSeconds: procWindow(a, b, ka.parentPid).cpuSeconds,
      guestBusyPercent: guestBusyPercent(a, b),
      hostLoad: { before: loadBefore, after: loadAfter },
      agentStates: health.states,
      agentStaleResults: health.stale,
      ruleLinesAfter: { ours: await ruleLines(lab, ours.name), theirs: await ruleLines(lab, theirs.name) },
      importWarnings,
    };
    log(
      `bench health-checks: ${kind}: ${w.seconds.toFixed(1)} s: agent ${w.ours.cpuSeconds.toFixed(2)} CPU s, ${w.ours.connectsPerSecond.toFixed(0)} checks/s, ` +
        `RSS ${w.ours.rssBeforeImportMb.toFixed(1)} -> ${w.ours.rssStartMb.toFixed(1)} -> ${w.ours.rssEndMb.toFixed(1)} MB; ` +
        `keepalived checker ${w.theirs.cpuSeconds.toFixed(2)} CPU s, ${w.theirs.connectsPerSecond.toFixed(0)} checks/s, RSS ${w.theirs.rssStartMb.toFixed(1)} -> ${w.theirs.rssEndMb.toFixed(1)} MB; ` +
        `guest ${w.guestBusyPercent.toFixed(0)} % busy, host load ${loadBefore} / ${loadAfter}; agent states ${JSON.stringify(health.states)}, stale ${health.stale}`,
    );
    return w;
  } finally {
    await stopKeepalived(c);
    await sleep(2000);
    await lab.run(theirs.name, ["ipvsadm", "-C"]);
  }
}

function record(result: BenchResult, kind: CheckKind, ws: Window[]): void {
  const target = kind === "TCP" ? { kind: "<=" as const, limit: 1.0 } : null;
  const label = kind === "TCP" ? "TCP_CHECK" : "HTTP_GET";
  result.verdicts.push({
    label: `${label}: agent CPU seconds vs keepalived --check's checker, 1,000 real servers, delay_loop 1 s (values in ms of CPU)`,
    comparison: compare(ws.map((w) => w.ours.cpuSeconds * 1000), ws.map((w) => w.theirs.cpuSeconds * 1000)),
    target,
  });
  const perCheck = (p: Window["ours"] | Window["theirs"], s: number) => (p.cpuSeconds * 1000) / (p.connectsPerSecond * s);
  result.verdicts.push({
    label: `${label}: CPU per check (ms of CPU per connection the namespace opened), agent vs keepalived`,
    comparison: compare(ws.map((w) => perCheck(w.ours, w.seconds)), ws.map((w) => perCheck(w.theirs, w.seconds))),
    target: null,
  });
  for (const [i, w] of ws.entries()) {
    const growth = w.ours.rssEndMb - w.ours.rssBeforeImportMb;
    result.checks.push({
      label: `${label} window ${i + 1}: agent VmRSS growth, before the import to the window's end`,
      value: growth, unit: "MB", limit: RSS_LIMIT_MB, met: growth < RSS_LIMIT_MB,
    });
  }
  result.facts[`${kind}Windows`] = ws.map((w) => ({
    ...w,
    ours: Object.fromEntries(Object.entries(w.ours).map(([k, v]) => [k, round(v)])),
    theirs: Object.fromEntries(Object.entries(w.theirs).map(([k, v]) => [k, round(v)])),
    cpuRatio: round(w.ours.cpuSeconds / w.theirs.cpuSeconds),
    checksPerSecondRatio: round(w.ours.connectsPerSecond / w.theirs.connectsPerSecond),
    rssGrowthMb: { ours: round(w.ours.rssEndMb - w.ours.rssBeforeImportMb), oursInWindow: round(w.ours.rssEndMb - w.ours.rssStartMb), theirsInWindow: round(w.theirs.rssEndMb - w.theirs.rssStartMb) },
  }));
}

/** The second port of every real server: another busybox httpd on the same document root. */
async function secondPorts(lab: BenchLab, c: ControlClient): Promise<void> {
  for (const d of lab.directors.slice(0, 2))
    for (let j = 1; j <= HEALTH_BENCH.realServers; j++) {
      const ns = `${d.name}-rs${j}`;
      for (const port of HEALTH_BENCH.rsPorts.filter((p) => p !== 80))
        await c.spawn(`httpd-${ns}-${port}`, ns, ["busybox", "httpd", "-f", "-p", String(port), "-h", `/run/lab/www/${ns}`]);
    }
  const probe = `${REAL_SERVER_IPS(1)[0]}:${HEALTH_BENCH.rsPorts.at(-1)}`;
  for (let i = 0; ; i++) {
    const ok = await lab.sh(lab.directors[1]!.name, `busybox wget -q -O /dev/null http://${probe}/ && echo ok || true`);
    if (ok.trim() === "ok") return;
    if (i > 60) throw new BenchError(`the second httpd does not answer on ${probe}`);
    await sleep(500);
  }
}

export function healthChecksBench(): Promise<BenchResult> {
  return withBenchLab(
    "health-checks",
    async (lab) => {
      if (lab.directors.length < 2 || lab.directors[0]!.guest !== lab.directors[1]!.guest) throw new BenchError("needs two directors in one guest");
      const c = controlFor(requireState(lab.instance), lab.guest);
      // dir2's table belongs to keepalived alone during the benchmark
      await stopAgent(c, lab.directors[1]!);
      await lab.run(lab.directors[1]!.name, ["ipvsadm", "-C"]);
      await secondPorts(lab, c);
      const agentPid = await lab.agentPid();
      const result = newResult("health-checks", lab.memoryMb);
      const kinds = (process.env.BENCH_HEALTH_KINDS ?? "TCP,HTTP").split(",") as CheckKind[];
      for (const k of kinds) if (k !== "TCP" && k !== "HTTP") throw new BenchError(`BENCH_HEALTH_KINDS: ${k} is not TCP or HTTP`);
      for (const kind of kinds) {
        const ws: Window[] = [];
        for (let i = 0; i < reps(1); i++) ws.push(await oneWindow(lab, kind, agentPid));
        record(result, kind, ws);
      }
      result.facts.setup = `${HEALTH_BENCH.services} services x ${HEALTH_BENCH.perService} real servers (${HEALTH_BENCH.vip}:${HEALTH_BENCH.firstPort}-${HEALTH_BENCH.firstPort + HEALTH_BENCH.services - 1}), delay_loop 1, agent in ${lab.directors[0]!.name}, keepalived --check in ${lab.directors[1]!.name}, one guest`;
      result.facts.keepalived = (await lab.sh(lab.guest, "keepalived --version 2>&1 | head -1")).trim();
      return result;
    },
    { directors: 2, directorsPerGuest: 2, realServers: HEALTH_BENCH.realServers },
  );
}

runAsMain(import.meta.url, healthChecksBench);
