// Entry-point glue shared by the benchmark scripts: run when invoked directly, print and save
// the result, exit non-zero on failure (a missed target is a result, not a failure).
import { pathToFileURL } from "node:url";
import { type BenchResult, printResult, saveResult } from "./report.ts";
import { log } from "./session.ts";

export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === moduleUrl;
}

export async function report(run: () => Promise<BenchResult>): Promise<BenchResult> {
  const r = await run();
  printResult(r);
  log(`bench: saved ${saveResult(r)}`);
  return r;
}

export function runAsMain(moduleUrl: string, run: () => Promise<BenchResult>): void {
  if (!isMain(moduleUrl)) return;
  report(run).then(
    () => process.exit(0),
    (e: unknown) => {
      log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}

/** Repetitions: BENCH_REPS overrides each benchmark's default. */
export function reps(defaultReps: number): number {
  const n = Number(process.env.BENCH_REPS ?? defaultReps);
  return Number.isInteger(n) && n >= 1 ? n : defaultReps;
}
