// The seven TrafficPoint fields in one fixed order, packed as float32 for the one-second
// samples (60 per minute row) and averaged into the one-minute rollups.
import type { SeriesColumns, TrafficPoint } from "@/protocol/dashboard/index.ts";

export const FIELDS = ["cps", "inPps", "outPps", "inBps", "outBps", "activeConns", "inactiveConns"] as const;
export type Field = (typeof FIELDS)[number];
export const NFIELDS = FIELDS.length;
export const SECONDS_PER_MINUTE = 60;
/** float32 values in one minute row */
export const MINUTE_VALUES = SECONDS_PER_MINUTE * NFIELDS;

export function emptyMinute(): Float32Array {
  return new Float32Array(MINUTE_VALUES).fill(Number.NaN);
}

export function writePoint(buf: Float32Array, second: number, p: TrafficPoint): void {
  const o = second * NFIELDS;
  buf[o] = p.cps;
  buf[o + 1] = p.inPps;
  buf[o + 2] = p.outPps;
  buf[o + 3] = p.inBps;
  buf[o + 4] = p.outBps;
  buf[o + 5] = p.activeConns;
  buf[o + 6] = p.inactiveConns;
}

/** Averages of the seconds that have a sample; null when the minute has none. */
export function averageMinute(buf: Float32Array): number[] | null {
  const sums = new Array<number>(NFIELDS).fill(0);
  let n = 0;
  for (let s = 0; s < SECONDS_PER_MINUTE; s++) {
    const o = s * NFIELDS;
    if (Number.isNaN(buf[o]!)) continue;
    n++;
    for (let f = 0; f < NFIELDS; f++) sums[f]! += buf[o + f]!;
  }
  return n === 0 ? null : sums.map((x) => x / n);
}

/** Where `b` has a sample, it wins (merges a minute written before a restart with the new). */
export function mergeMinutes(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a);
  for (let s = 0; s < SECONDS_PER_MINUTE; s++) {
    const o = s * NFIELDS;
    if (Number.isNaN(b[o]!)) continue;
    for (let f = 0; f < NFIELDS; f++) out[o + f] = b[o + f]!;
  }
  return out;
}

export function toBlob(buf: Float32Array): Buffer {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
}

export function fromBlob(b: Buffer): Float32Array {
  // copy: the Buffer's memory may be unaligned for a Float32Array view
  const out = new Float32Array(MINUTE_VALUES).fill(Number.NaN);
  const n = Math.min(MINUTE_VALUES, Math.floor(b.byteLength / 4));
  for (let i = 0; i < n; i++) out[i] = b.readFloatLE(i * 4);
  return out;
}

/** float32 noise removed: 3 decimals are more than any rate or count needs */
export const tidy = (v: number): number | null => (Number.isNaN(v) ? null : Math.round(v * 1000) / 1000);

export function emptyColumns(n: number): SeriesColumns {
  const col = () => new Array<number | null>(n).fill(null);
  return {
    cps: col(),
    inPps: col(),
    outPps: col(),
    inBps: col(),
    outBps: col(),
    activeConns: col(),
    inactiveConns: col(),
  };
}
