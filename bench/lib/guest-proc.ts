// CPU, memory and TCP counters of processes inside a lab guest, read from /proc in ONE shell
// command so that every figure of a sample comes from the same instant of the guest's clock.
// The CPU of a process is utime+stime of /proc/PID/stat, its memory VmRSS/VmHWM of
// /proc/PID/status, and /proc/PID/net/snmp gives the TCP counters of the process's network
// namespace (ActiveOpens = connections it and its namespace started: one per TCP/HTTP check).
import { parseStat } from "./proc-usage.ts";
import { BenchError, type BenchLab } from "./session.ts";

export interface GuestProc {
  pid: number;
  ticks: number;
  rssKb: number;
  hwmKb: number;
  /** TCP ActiveOpens of the process's network namespace */
  activeOpens: number;
}

export interface GuestSample {
  /** the guest's clock, ms */
  atMs: number;
  /** clock ticks per second in the guest */
  hz: number;
  procs: Map<number, GuestProc>;
  /** the guest's busy and total CPU ticks, all CPUs (first line of /proc/stat) */
  guestBusy: number;
  guestTotal: number;
}

function script(pids: number[]): string {
  const each = pids
    .map((p) => `printf 'P ${p} '; cat /proc/${p}/stat; printf 'M ${p} '; grep -E '^(VmRSS|VmHWM):' /proc/${p}/status | tr -s ' \\t\\n' ' '; echo; printf 'S ${p} '; grep '^Tcp:' /proc/${p}/net/snmp | tail -1`)
    .join("; ");
  return `set -e; echo "T $(date +%s%N) $(getconf CLK_TCK)"; ${each}; head -1 /proc/stat`;
}

export function parseGuestSample(out: string, pids: number[]): GuestSample {
  const lines = out.trim().split("\n");
  const t = /^T (\d+) (\d+)$/m.exec(out);
  const cpu = lines.find((l) => l.startsWith("cpu "));
  if (!t || !cpu) throw new BenchError(`unreadable guest sample:\n${out.slice(0, 1000)}`);
  const cpuTicks = cpu.split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy
  const guestTotal = cpuTicks.slice(0, 8).reduce((a, b) => a + b, 0);
  const guestBusy = guestTotal - cpuTicks[3]! - cpuTicks[4]!;
  const procs = new Map<number, GuestProc>();
  for (const pid of pids) {
    const stat = lines.find((l) => l.startsWith(`P ${pid} `));
    const mem = lines.find((l) => l.startsWith(`M ${pid} `));
    const snmp = lines.find((l) => l.startsWith(`S ${pid} `));
    if (!stat || !mem || !snmp) throw new BenchError(`process ${pid} missing from the guest sample (did it exit?):\n${out.slice(0, 1000)}`);
    const kb = (name: string) => Number(new RegExp(`${name}: (\\d+) kB`).exec(mem)?.[1] ?? Number.NaN);
    // "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens ...": the fifth value
    const activeOpens = Number(snmp.split(/\s+/)[7]);
    const p = { pid, ticks: parseStat(stat.slice(`P ${pid} `.length)).ticks, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM"), activeOpens };
    if (!Object.values(p).every(Number.isFinite)) throw new BenchError(`unreadable figures for process ${pid}: ${stat} / ${mem} / ${snmp}`);
    procs.set(pid, p);
  }
  return { atMs: Number(BigInt(t[1]!) / 1_000_000n), hz: Number(t[2]), procs, guestBusy, guestTotal };
}

export async function sampleGuest(lab: BenchLab, pids: number[]): Promise<GuestSample> {
  return parseGuestSample(await lab.sh(lab.guest, script(pids)), pids);
}

export interface ProcWindow {
  cpuSeconds: number;
  /** share of one core over the window */
  cpuPercent: number;
  rssStartMb: number;
  rssEndMb: number;
  hwmEndMb: number;
  connectsPerSecond: number;
}

export function procWindow(a: GuestSample, b: GuestSample, pid: number): ProcWindow {
  const x = a.procs.get(pid)!;
  const y = b.procs.get(pid)!;
  const seconds = (b.atMs - a.atMs) / 1000;
  const cpuSeconds = (y.ticks - x.ticks) / b.hz;
  return {
    cpuSeconds,
    cpuPercent: (100 * cpuSeconds) / seconds,
    rssStartMb: x.rssKb / 1024,
    rssEndMb: y.rssKb / 1024,
    hwmEndMb: y.hwmKb / 1024,
    connectsPerSecond: (y.activeOpens - x.activeOpens) / seconds,
  };
}

/** The guest's CPU use over the window, as a share of all its vCPUs. */
export function guestBusyPercent(a: GuestSample, b: GuestSample): number {
  return (100 * (b.guestBusy - a.guestBusy)) / (b.guestTotal - a.guestTotal);
}
