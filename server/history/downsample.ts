// A range's answer cut to at most MAX_POINTS points per series before it is sent: the 7d range
// of SQLite's one-minute rollups is 10 080 points for each of the seven columns of the total
// and of every real server (about 1.5 MB of JSON for three real servers), more than a chart
// about 1 000 px wide can draw. Consecutive points are grouped into buckets of a whole number
// of steps, aligned on multiples of the bucket's length in absolute time (so two loads of the
// same range bucket the same minutes), and each bucket's value is the AVERAGE of the points
// it holds that have a value (null when none has).
//
// Why the average and not the max: every column is a rate over its step (connections, packets
// and bytes per second, like Prometheus's rate()) or a gauge sampled each second (active and
// inactive connections). The average of a bucket's rates is the rate over the whole bucket:
// the bytes a bucket stands for (average × its seconds) stay the bytes that went through,
// exactly what the one-minute rollups already do with the 1 s samples. A max would draw a
// one-minute burst as if it had lasted the whole bucket (15 minutes at 7d). A burst shorter
// than a bucket is therefore smoothed: the shorter ranges show it.
import type { History, SeriesColumns } from "@/protocol/dashboard/index.ts";

export const MAX_POINTS = 1000;

/** Bucket lengths in steps that read well on an axis (2 min, 15 min, 1 h ... at 60 s steps). */
const NICE_FACTORS = [1, 2, 3, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

const COLUMNS = ["cps", "inPps", "outPps", "inBps", "outBps", "activeConns", "inactiveConns"] as const satisfies readonly (keyof SeriesColumns)[];

/** How many buckets of `len` seconds, aligned on multiples of `len`, [first, last] touches. */
function bucketCount(first: number, last: number, len: number): number {
  return Math.floor(last / len) - Math.floor(first / len) + 1;
}

/** The smallest bucket length (a multiple of `step`) that gives at most `max` buckets. */
export function bucketFactor(first: number, last: number, step: number, max: number): number {
  for (const k of NICE_FACTORS) if (bucketCount(first, last, k * step) <= max) return k;
  let k = Math.ceil((last - first) / step / Math.max(1, max - 1));
  while (bucketCount(first, last, k * step) > max) k++;
  return k;
}

/** float noise removed like the store's values (3 decimals), never outside the bucket's values */
function average(sum: number, n: number, min: number, max: number): number {
  const v = Math.round((sum / n) * 1000) / 1000;
  return Math.min(max, Math.max(min, v));
}

function bucketColumns(cols: SeriesColumns, bucketOf: Int32Array, buckets: number): SeriesColumns {
  const out = {} as SeriesColumns;
  for (const c of COLUMNS) {
    const src = cols[c] ?? [];
    const sum = new Float64Array(buckets);
    const n = new Int32Array(buckets);
    const min = new Float64Array(buckets).fill(Number.POSITIVE_INFINITY);
    const max = new Float64Array(buckets).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < bucketOf.length; i++) {
      const v = src[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      const b = bucketOf[i]!;
      sum[b]! += v;
      n[b]!++;
      if (v < min[b]!) min[b] = v;
      if (v > max[b]!) max[b] = v;
    }
    out[c] = Array.from({ length: buckets }, (_, b) => (n[b] === 0 ? null : average(sum[b]!, n[b]!, min[b]!, max[b]!)));
  }
  return out;
}

/**
 * The history with at most `maxPoints` points per series: unchanged when it has no more, else
 * bucket averages with `step` the bucket's length and `time` each bucket's start (seconds).
 * The points of `h.time` are expected `h.step` apart (the store's and Prometheus's are).
 */
export function downsample(h: History, maxPoints = MAX_POINTS): History {
  const n = h.time.length;
  if (n <= maxPoints || n === 0) return h;
  const first = h.time[0]!;
  const last = h.time[n - 1]!;
  const step = h.step > 0 ? h.step : Math.max(1, (last - first) / (n - 1));
  const len = bucketFactor(first, last, step, maxPoints) * step;
  const firstBucket = Math.floor(first / len);
  const buckets = bucketCount(first, last, len);
  const bucketOf = Int32Array.from(h.time, (t) => Math.min(buckets - 1, Math.max(0, Math.floor(t / len) - firstBucket)));
  return {
    ...h,
    step: len,
    time: Array.from({ length: buckets }, (_, b) => (firstBucket + b) * len),
    total: bucketColumns(h.total, bucketOf, buckets),
    destinations: Object.fromEntries(Object.entries(h.destinations).map(([k, cols]) => [k, bucketColumns(cols, bucketOf, buckets)])),
  };
}
