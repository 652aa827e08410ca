// One lab instance per benchmark: bring it up (one director, one director per guest, no
// background traffic), run the benchmark, and always tear it down, also on failure or Ctrl-C.
// Also the guest-side timing helpers every benchmark shares.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bundleGuestScript, controlFor, down, exec, guestMemoryMb, requireState, UP_DEFAULTS, type UpOptions, up } from "@/lab/api.ts";
import type { ExecResult } from "@/lab/control-client.ts";
import type { DirectorRecord } from "@/lab/state.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export class BenchError extends Error {
  override name = "BenchError";
}

export interface BenchLab {
  instance: string;
  director: DirectorRecord;
  /** every director of the lab (one unless the benchmark asked for more) */
  directors: DirectorRecord[];
  /** the director's guest, e.g. g1 (its root namespace) */
  guest: string;
  memoryMb: number;
  /** Runs argv in a namespace of the lab; throws with its output unless it exits 0. */
  run(target: string, argv: string[], opts?: { stdin?: string; timeoutMs?: number }): Promise<string>;
  /** `sh -c script` in a namespace of the lab. */
  sh(target: string, script: string, timeoutMs?: number): Promise<string>;
  /** Pid of the agent process serving the director, as the guest sees it. */
  agentPid(): Promise<number>;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function checked(argv: string[], target: string, r: ExecResult): string {
  if (r.code !== 0) throw new BenchError(`${argv.join(" ").slice(0, 200)} in ${target} exited ${r.code ?? r.signal}:\n${r.stderr}${r.stdout.slice(0, 2000)}`);
  return r.stdout;
}

/** Lab shape a benchmark may change (default: one director alone in its guest, no traffic). */
export type BenchLabShape = Partial<Pick<UpOptions, "directors" | "directorsPerGuest" | "realServers">>;

/**
 * Brings up instance `bench-<name>` (or $BENCH_INSTANCE, for an engineer's own instance name),
 * runs `body`, and stops the instance whatever happens. With BENCH_REUSE=<instance> it runs in
 * that lab, already up with the same shape, and leaves it up.
 */
export async function withBenchLab<T>(name: string, body: (lab: BenchLab) => Promise<T>, shape: BenchLabShape = {}): Promise<T> {
  const reuse = process.env.BENCH_REUSE || undefined;
  const instance = reuse ?? (process.env.BENCH_INSTANCE || `bench-${name}`);
  const perGuest = shape.directorsPerGuest ?? 1;
  const onSignal = () => {
    if (reuse) process.exit(130);
    log(`bench: interrupted, stopping lab ${instance}`);
    down(instance).finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const t0 = Date.now();
    const state = reuse
      ? requireState(reuse)
      : await up({ ...UP_DEFAULTS, instance, directors: 1, ...shape, directorsPerGuest: perGuest, trafficRate: 0, log });
    log(`bench: lab ${instance} ${reuse ? "reused" : "up"} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const director = state.directors[0]!;
    if (!state.withAgents) throw new BenchError("the lab started without an agent (agent/main.ts missing?)");
    const run: BenchLab["run"] = async (target, argv, opts = {}) =>
      checked(argv, target, await exec(instance, target, argv, { timeoutMs: 600_000, ...opts }));
    const lab: BenchLab = {
      instance,
      director,
      directors: state.directors,
      guest: director.guest,
      memoryMb: guestMemoryMb(perGuest),
      run,
      sh: (target, script, timeoutMs) => run(target, ["sh", "-c", script], timeoutMs ? { timeoutMs } : {}),
      agentPid: async () => {
        const procs = await controlFor(requireState(instance), director.guest).procs();
        const p = procs.find((x) => x.name === `agent-${director.name}` && x.alive);
        if (!p) throw new BenchError(`no live agent-${director.name} in the guest`);
        return p.pid;
      },
    };
    return await body(lab);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (!reuse) await down(instance).catch((e: unknown) => log(`bench: stopping ${instance} failed: ${String(e)}`));
  }
}

/**
 * Wall time of a shell command inside the guest, in ms, taken by the guest's own clock
 * (`date +%s%N` before and after), so the host<->guest link is not part of it. The
 * command's output should go to /dev/null inside `cmd`.
 */
export async function timeInGuest(lab: BenchLab, target: string, cmd: string, timeoutMs = 600_000): Promise<number> {
  const out = await lab.sh(target, `s=$(date +%s%N); ${cmd}; rc=$?; e=$(date +%s%N); [ $rc -eq 0 ] || exit $rc; echo $(( (e - s) / 1000 ))`, timeoutMs);
  const us = Number(out.trim().split("\n").at(-1));
  if (!Number.isFinite(us)) throw new BenchError(`could not read the time of "${cmd}": ${out}`);
  return us / 1000;
}

/** Runs a guest-side script (bench/guest/<file>), bundled for the guest, and parses its last line as JSON. */
export async function guestScript<T>(lab: BenchLab, target: string, file: string, args: string[], timeoutMs = 1_800_000): Promise<T> {
  const path = fileURLToPath(new URL(`../guest/${file}`, import.meta.url));
  const bundled = await bundleGuestScript(lab.instance, path);
  const out = await lab.run(target, ["node", "--enable-source-maps", bundled, ...args], { timeoutMs });
  const last = out.trim().split("\n").at(-1) ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new BenchError(`${file} printed no JSON result:\n${out.slice(-2000)}`);
  }
}

/** The commit being measured (with "+dirty" when the checkout has uncommitted changes). */
export function commitMeasured(): string {
  const git = (args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  const head = git(["rev-parse", "--short", "HEAD"]);
  return git(["status", "--porcelain", "--", "agent", "protocol", "bench"]) === "" ? head : `${head}+dirty`;
}
