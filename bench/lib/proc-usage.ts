// CPU and memory of a process group on this host, from /proc: the dashboard server runs as
// `npx tsx server/main.ts` (npx -> tsx -> node), so its group holds the wrappers and the
// server; CPU is summed over the group, RSS reported per process.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcSample {
  pid: number;
  /** utime + stime, in clock ticks */
  ticks: number;
  rssKb: number;
  cmdline: string;
}

export interface GroupSample {
  atMs: number;
  procs: ProcSample[];
}

export const CLOCK_TICKS_PER_S = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** pgrp, utime and stime from a /proc/<pid>/stat line (comm may hold spaces and parens). */
export function parseStat(line: string): { pgrp: number; ticks: number } {
  const rest = line.slice(line.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state): pgrp is field 5, utime 14, stime 15
  const pgrp = Number(rest[2]);
  const ticks = Number(rest[11]) + Number(rest[12]);
  if (!Number.isFinite(pgrp) || !Number.isFinite(ticks)) throw new Error(`unreadable /proc stat line: ${line.slice(0, 200)}`);
  return { pgrp, ticks };
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null; // the process exited between listing and reading
  }
}

export function sampleGroup(pgid: number): GroupSample {
  const procs: ProcSample[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(`/proc/${name}/stat`);
    if (stat === null) continue;
    const { pgrp, ticks } = parseStat(stat);
    if (pgrp !== pgid) continue;
    const status = readOrNull(`/proc/${name}/status`) ?? "";
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    const cmdline = (readOrNull(`/proc/${name}/cmdline`) ?? "").replaceAll("\0", " ").trim();
    procs.push({ pid: Number(name), ticks, rssKb, cmdline });
  }
  if (procs.length === 0) throw new Error(`no process in group ${pgid}`);
  return { atMs: performance.now(), procs };
}

export interface GroupUsage {
  /** CPU over the window as % of one core, summed over the group */
  cpuPercent: number;
  /** the group member using the most memory (the server's node), at the end */
  mainRssMb: number;
  mainCmdline: string;
  totalRssMb: number;
  seconds: number;
}

/** Usage between two samples; processes gone by the end are left out of both sides. */
export function usageBetween(a: GroupSample, b: GroupSample): GroupUsage {
  let ticks = 0;
  for (const p of b.procs) {
    const before = a.procs.find((x) => x.pid === p.pid);
    ticks += p.ticks - (before?.ticks ?? 0);
  }
  const seconds = (b.atMs - a.atMs) / 1000;
  const main = b.procs.reduce((m, p) => (p.rssKb > m.rssKb ? p : m));
  return {
    cpuPercent: (100 * ticks) / CLOCK_TICKS_PER_S / seconds,
    mainRssMb: main.rssKb / 1024,
    mainCmdline: main.cmdline.slice(0, 200),
    totalRssMb: b.procs.reduce((s, p) => s + p.rssKb, 0) / 1024,
    seconds,
  };
}
