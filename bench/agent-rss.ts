// Benchmark 4: the agent's memory after serving a 50,000-entry and then a 200,000-entry
// connection table through `conns.read` (a page of 1000 entries plus state, real-server and
// top-client aggregates, the way the UI asks). VmRSS of the agent process is read from
// /proc/<pid>/status in the guest before and after; target: growth under 20 MB.
// If the agent answers `unsupported` to conns.read, the same reads run in a guest-side script
// (guest/conn-rss.ts) with the agent's reader, and the result says so.
// Run: npx tsx bench/agent-rss.ts   (BENCH_READS=n reads per table size, default 2)
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { connCount, fillConnTable, generatorArgv, prepareUdpService, restoreDefaultTimeouts } from "./lib/conns.ts";
import { runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BenchError, type BenchLab, guestScript, log, withBenchLab } from "./lib/session.ts";
import { BENCH_QUERY } from "./lib/conn-query.ts";

const SMALL = 50_000;
const LARGE = 200_000;
const LIMIT_MB = 20;

interface Memory {
  rssKb: number;
  hwmKb: number;
}

async function agentMemory(lab: BenchLab, pid: number): Promise<Memory> {
  const status = await lab.run(lab.guest, ["cat", `/proc/${pid}/status`]);
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

/** Serves the table `reads` times over conns.read; null when the agent does not support it. */
async function serve(client: AgentClient, reads: number): Promise<{ scanned: number; ms: number[] } | null> {
  const ms: number[] = [];
  let scanned = 0;
  for (let i = 0; i < reads; i++) {
    const t0 = performance.now();
    try {
      scanned = (await client.request("conns.read", BENCH_QUERY, { deadlineMs: 600_000 })).scanned;
    } catch (e) {
      if (e instanceof ProtocolError && e.code === "unsupported") return null;
      throw e;
    }
    ms.push(performance.now() - t0);
    log(`bench agent-rss: conns.read scanned ${scanned} entries in ${(ms.at(-1)! / 1000).toFixed(1)} s`);
  }
  return { scanned, ms };
}

const mb = (kb: number) => kb / 1024;

function recordGrowth(result: BenchResult, who: string, before: Memory, afterSmall: Memory, afterLarge: Memory): void {
  result.checks.push(
    { label: `${who}: VmRSS growth after the ${SMALL} table`, value: mb(afterSmall.rssKb - before.rssKb), unit: "MB", limit: LIMIT_MB, met: mb(afterSmall.rssKb - before.rssKb) < LIMIT_MB },
    { label: `${who}: VmRSS growth after the ${LARGE} table`, value: mb(afterLarge.rssKb - before.rssKb), unit: "MB", limit: LIMIT_MB, met: mb(afterLarge.rssKb - before.rssKb) < LIMIT_MB },
  );
  result.facts.memoryKb = { before, afterSmall, afterLarge };
  result.facts.peakGrowthMb = Number(mb(afterLarge.hwmKb - before.rssKb).toFixed(1));
}

async function viaAgent(lab: BenchLab, result: BenchResult, reads: number): Promise<boolean> {
  const client = new AgentClient({ url: lab.director.agentUrl, token: lab.director.agentToken, heartbeatMs: 0 });
  await client.connect();
  try {
    const pid = await agentPid(lab);
    const before = await agentMemory(lab, pid);
    const small = await serve(client, reads);
    if (small === null) return false;
    const afterSmall = await agentMemory(lab, pid);
    await fillConnTable(lab, LARGE);
    const large = await serve(client, reads);
    if (large === null) throw new BenchError("conns.read stopped being supported mid-run");
    const afterLarge = await agentMemory(lab, pid);
    if (small.scanned < SMALL || large.scanned < LARGE) throw new BenchError(`conns.read scanned ${small.scanned} / ${large.scanned} entries`);
    recordGrowth(result, "agent (conns.read over WebSocket)", before, afterSmall, afterLarge);
    result.facts.measured = "the running agent, through conns.read";
    result.facts.entries = { small: small.scanned, large: large.scanned };
    result.facts.connsReadMs = { small: small.ms.map(Math.round), large: large.ms.map(Math.round) };
    return true;
  } finally {
    client.close();
  }
}

async function agentPid(lab: BenchLab): Promise<number> {
  const pid = await lab.agentPid();
  const cmdline = (await lab.run(lab.guest, ["cat", `/proc/${pid}/cmdline`])).replaceAll("\0", " ");
  // the lab starts agent/main.ts, or a bundle of it (agent.mjs), always with --token-file
  if (!/agent/.test(cmdline) || !cmdline.includes("--token-file")) throw new BenchError(`pid ${pid} is not the agent: ${cmdline}`);
  return pid;
}

async function viaGuestScript(lab: BenchLab, result: BenchResult, reads: number): Promise<void> {
  const have = await connCount(lab);
  const grow = ["ip", "netns", "exec", `${lab.director.name}-c`, ...generatorArgv(LARGE - have, have)];
  const r = await guestScript<{ before: Memory; afterFirst: Memory; afterSecond: Memory; firstEntries: number; secondEntries: number }>(
    lab,
    lab.director.name,
    "conn-rss.ts",
    [String(reads), "--", ...grow],
    3_600_000,
  );
  if (r.firstEntries < SMALL || r.secondEntries < LARGE * 0.95) throw new BenchError(`the reader scanned ${r.firstEntries} / ${r.secondEntries} entries`);
  recordGrowth(result, "guest script with the agent's ConnTableReader.query (NOT the agent)", r.before, r.afterFirst, r.afterSecond);
  result.facts.measured = "FALLBACK: the agent answered `unsupported` to conns.read, so a guest-side script ran the same query with agent/conntable";
  result.facts.entries = { small: r.firstEntries, large: r.secondEntries };
}

export function agentRssBench(): Promise<BenchResult> {
  return withBenchLab("agent-rss", async (lab) => {
    const reads = Number(process.env.BENCH_READS ?? 2);
    const result = newResult("agent-rss", lab.memoryMb);
    await prepareUdpService(lab);
    await fillConnTable(lab, SMALL);
    if (!(await viaAgent(lab, result, reads))) {
      log("bench agent-rss: the agent answers `unsupported` to conns.read: measuring the reader in a guest script instead");
      await viaGuestScript(lab, result, reads);
    }
    await restoreDefaultTimeouts(lab);
    return result;
  });
}

runAsMain(import.meta.url, agentRssBench);
