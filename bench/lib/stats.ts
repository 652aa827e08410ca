// Summaries of repeated timings. Benchmarks under TCG are noisy, so every number we report is
// a median with its spread, and every verdict is a ratio of two medians taken in one run.

export interface Summary {
  runs: number;
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("median of no samples");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  return {
    runs: samples.length,
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: [...samples],
  };
}

export interface Comparison {
  ours: Summary;
  theirs: Summary;
  /** median(ours) / median(theirs): below 1 means we are faster */
  ratio: number;
  /** median of the per-repetition ratios (each pair measured back to back) */
  pairedRatio: number;
}

export function compare(ours: readonly number[], theirs: readonly number[]): Comparison {
  const pairs = Math.min(ours.length, theirs.length);
  const perRep = Array.from({ length: pairs }, (_, i) => ours[i]! / theirs[i]!);
  return {
    ours: summarize(ours),
    theirs: summarize(theirs),
    ratio: median(ours) / median(theirs),
    pairedRatio: median(perRep),
  };
}

export function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

/** "1.94 s (1.80-2.10 s, n=5)" */
export function fmtSummary(s: Summary): string {
  return `${fmtMs(s.median)} (${fmtMs(s.min)}-${fmtMs(s.max)}, n=${s.runs})`;
}
