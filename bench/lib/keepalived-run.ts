// The oracle side of the health-check benchmark: Debian's keepalived running only its checker
// (`keepalived --check`) in a director namespace of the lab, on a config file in the guest.
// keepalived forks the checker child; its pid comes from the --checkers_pid file.
import type { ControlClient } from "@/lab/control-client.ts";
import { BenchError, type BenchLab } from "./session.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const KEEPALIVED_PROC = "bench-keepalived";
const PID_FILE = "/run/lab/bench-keepalived.pid";
const CHECKERS_PID_FILE = "/run/lab/bench-keepalived-checkers.pid";

export interface KeepalivedRun {
  parentPid: number;
  checkerPid: number;
}

/** keepalived's own syntax check of the file (the config must be one keepalived accepts). */
export async function keepalivedAccepts(lab: BenchLab, netns: string, confPath: string): Promise<string> {
  return lab.run(netns, ["keepalived", "-t", "-f", confPath]);
}

export async function startKeepalived(lab: BenchLab, c: ControlClient, netns: string, confPath: string): Promise<KeepalivedRun> {
  await lab.run(lab.guest, ["rm", "-f", PID_FILE, CHECKERS_PID_FILE]);
  const { pid } = await c.spawn(KEEPALIVED_PROC, netns, [
    "keepalived", "--check", "--dont-fork", "--log-console", "-f", confPath, "-p", PID_FILE, "-c", CHECKERS_PID_FILE,
  ]);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const out = await lab.sh(lab.guest, `cat ${CHECKERS_PID_FILE} 2>/dev/null || true`);
    const checkerPid = Number(out.trim());
    if (checkerPid > 0) {
      const ppid = (await lab.sh(lab.guest, `awk '{print $4}' /proc/${checkerPid}/stat 2>/dev/null || true`)).trim();
      if (Number(ppid) !== pid) throw new BenchError(`keepalived's checker ${checkerPid} has parent ${ppid}, not keepalived ${pid}`);
      return { parentPid: pid, checkerPid };
    }
    const procs = await c.procs();
    if (procs.find((p) => p.name === KEEPALIVED_PROC)?.alive === false) {
      throw new BenchError(`keepalived exited: ${await lab.sh(lab.guest, `tail -20 /run/lab/logs/${KEEPALIVED_PROC}.log`)}`);
    }
    if (Date.now() > deadline) throw new BenchError("keepalived's checker did not start within 60 s");
    await sleep(500);
  }
}

export async function stopKeepalived(c: ControlClient): Promise<void> {
  await c.stop(KEEPALIVED_PROC);
}

/** Lines of `ipvsadm -S -n` in a namespace (services plus real servers). */
export async function ruleLines(lab: BenchLab, netns: string): Promise<number> {
  return Number((await lab.sh(netns, "ipvsadm -S -n | wc -l")).trim());
}

/** Waits until the namespace's table has `lines` lines of `ipvsadm -S -n`. */
export async function waitRuleLines(lab: BenchLab, netns: string, lines: number, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let have = -1;
  while (Date.now() < deadline) {
    have = await ruleLines(lab, netns);
    if (have === lines) return;
    await sleep(1000);
  }
  throw new BenchError(`${netns}: ipvsadm -S -n has ${have} lines, expected ${lines}`);
}
