// What a benchmark hands back, and how it is printed: one JSON file per benchmark under
// .cache/bench/ (for docs/benchmarks.md) and a short human summary on stdout.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { commitMeasured, REPO_ROOT } from "./session.ts";
import { type Comparison, fmtSummary } from "./stats.ts";

export interface Verdict {
  /** what is compared, e.g. "agent service.list vs ipvsadm -Ln" */
  label: string;
  comparison: Comparison;
  /** "<=" ours/theirs must not exceed `limit`; ">=" theirs/ours must reach `limit` */
  target: { kind: "<=" | ">="; limit: number } | null;
}

/** A measured quantity against an absolute limit (memory growth has no side-by-side oracle). */
export interface Check {
  label: string;
  value: number;
  unit: string;
  limit: number;
  met: boolean;
}

export interface BenchResult {
  name: string;
  date: string;
  commit: string;
  guestMemoryMb: number;
  verdicts: Verdict[];
  checks: Check[];
  /** anything else worth reporting (sizes, counts, RSS figures) */
  facts: Record<string, unknown>;
}

export function newResult(name: string, guestMemoryMb: number): BenchResult {
  return { name, date: new Date().toISOString(), commit: commitMeasured(), guestMemoryMb, verdicts: [], checks: [], facts: {} };
}

export function targetMet(v: Verdict): boolean | null {
  if (!v.target) return null;
  return v.target.kind === "<=" ? v.comparison.ratio <= v.target.limit : 1 / v.comparison.ratio >= v.target.limit;
}

export function describeVerdict(v: Verdict): string {
  const c = v.comparison;
  const met = targetMet(v);
  const ratio = v.target?.kind === ">=" ? `${(1 / c.ratio).toFixed(2)}x faster` : `${c.ratio.toFixed(2)}x`;
  const target = v.target ? ` target ${v.target.kind === "<=" ? "<=" : ">="} ${v.target.limit}x: ${met ? "MET" : "MISSED"}` : "";
  return [
    `${v.label}: ratio ${ratio} (paired median ${c.pairedRatio.toFixed(2)})${target}`,
    `  ours   ${fmtSummary(c.ours)}`,
    `  theirs ${fmtSummary(c.theirs)}`,
  ].join("\n");
}

export function saveResult(r: BenchResult): string {
  const dir = join(REPO_ROOT, ".cache", "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.name}.json`);
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}

export function printResult(r: BenchResult): void {
  const lines = [`== ${r.name} (${r.date}, commit ${r.commit}, guest ${r.guestMemoryMb} MiB)`];
  for (const v of r.verdicts) lines.push(describeVerdict(v));
  for (const c of r.checks) lines.push(`${c.label}: ${c.value.toFixed(1)} ${c.unit} (limit ${c.limit} ${c.unit}): ${c.met ? "MET" : "MISSED"}`);
  for (const [k, v] of Object.entries(r.facts)) lines.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  process.stdout.write(`${lines.join("\n")}\n`);
}
