// A range's answer is cut to at most ~1 000 points per series on the server (bucket
// averages): properties of the cut (never more than the cap, the buckets cover the range,
// each value within its bucket's min and max, null only for an empty bucket) and the bytes of
// a 7d answer for a service with three real servers before and after.
import fc from "fast-check";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { History, SeriesColumns } from "@/protocol/dashboard/index.ts";
import { downsample, MAX_POINTS } from "@/server/history/downsample.ts";
import { FIELDS } from "@/server/history/series.ts";
import { HistorySource } from "@/server/history/source.ts";
import { HistoryStore } from "@/server/history/store.ts";
import { type Db, openDatabase } from "@/server/store/db.ts";
import { removeDir } from "./server-helpers.ts";

let db: Db | undefined;
let dir: string | undefined;
afterEach(() => {
  db?.close();
  if (dir) removeDir(dir);
  db = undefined;
  dir = undefined;
});

const value = fc.option(fc.double({ min: 0, max: 1e12, noNaN: true }), { nil: null, freq: 4 });

/** A history of `n` points `step` apart from `start`, one real server, arbitrary values. */
const history = fc
  .record({
    n: fc.integer({ min: 1, max: 4000 }),
    step: fc.constantFrom(1, 60, 120, 900),
    start: fc.integer({ min: 1_600_000_000, max: 1_800_000_000 }),
    seed: fc.array(value, { minLength: 1, maxLength: 50 }),
  })
  .map(({ n, step, start, seed }): History => {
    const t0 = Math.floor(start / step) * step + (start % 7); // not always aligned
    const col = (shift: number) => Array.from({ length: n }, (_, i) => seed[(i * 7 + shift) % seed.length]!);
    const cols = (shift: number) => Object.fromEntries(FIELDS.map((f, j) => [f, col(shift + j)])) as SeriesColumns;
    return { range: "7d", step, time: Array.from({ length: n }, (_, i) => t0 + i * step), total: cols(0), destinations: { "10.0.0.11:80": cols(3) } };
  });

describe("downsample", () => {
  it("never more than the cap; the buckets cover the range; each value is within its bucket's min and max", () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 2, max: MAX_POINTS }), (h, max) => {
        const d = downsample(h, max);
        if (h.time.length <= max) {
          expect(d).toBe(h);
          return;
        }
        expect(d.time.length).toBeLessThanOrEqual(max);
        expect(d.step % h.step).toBe(0);
        // covers: the first bucket starts at or before the first point, the last holds the last point
        expect(d.time[0]!).toBeLessThanOrEqual(h.time[0]!);
        expect(d.time.at(-1)!).toBeLessThanOrEqual(h.time.at(-1)!);
        expect(d.time.at(-1)! + d.step).toBeGreaterThan(h.time.at(-1)!);
        expect(d.time.every((t, b) => b === 0 || t - d.time[b - 1]! === d.step)).toBe(true);
        for (const [src, out] of [[h.total, d.total], ...Object.keys(h.destinations).map((k) => [h.destinations[k]!, d.destinations[k]!])] as const) {
          for (const f of FIELDS) {
            expect(out[f]).toHaveLength(d.time.length);
            // each bucket's min and max of the points in [its time, its time + step)
            const lo = new Array<number>(d.time.length).fill(Number.POSITIVE_INFINITY);
            const hi = new Array<number>(d.time.length).fill(Number.NEGATIVE_INFINITY);
            h.time.forEach((t, i) => {
              const b = Math.floor((t - d.time[0]!) / d.step);
              if (b < 0 || b >= d.time.length) throw new Error(`point ${t} is in no bucket`);
              const v = src[f][i];
              if (v === null || v === undefined) return;
              lo[b] = Math.min(lo[b]!, v);
              hi[b] = Math.max(hi[b]!, v);
            });
            // plain checks: an expect() per point makes each run seconds long
            const wrong = out[f].findIndex((v, b) => (lo[b] === Number.POSITIVE_INFINITY ? v !== null : v === null || v < lo[b]! || v > hi[b]!));
            expect(wrong === -1 ? "ok" : `${f} bucket ${wrong}: ${out[f][wrong]} not in [${lo[wrong]}, ${hi[wrong]}]`).toBe("ok");
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("averages (a rate's bytes stay the bytes): 7d of 1-minute rollups become 15-minute buckets", () => {
    const n = 10080;
    const time = Array.from({ length: n }, (_, i) => 1_700_000_040 + i * 60 - (1_700_000_040 % 900));
    const cols = Object.fromEntries(FIELDS.map((f) => [f, time.map((_, i) => (i % 15 === 0 ? 150 : 0))])) as SeriesColumns;
    const d = downsample({ range: "7d", step: 60, time, total: cols, destinations: {} });
    expect(d.step).toBe(900);
    expect(d.time).toHaveLength(672);
    // one 150/s minute in each 15: 10/s over the bucket, not the burst's 150
    expect(new Set(d.total.inBps)).toEqual(new Set([10]));
  });
});

describe("7d answer size", () => {
  it("a service with three real servers: 7 days of rollups, JSON bytes before and after", async () => {
    dir = mkdtempSync(join(tmpdir(), "lvs-fleet-down-"));
    db = openDatabase(dir);
    const store = new HistoryStore(db);
    const now = Date.UTC(2026, 11, 2, 12, 0, 0);
    const nowMinute = now / 60_000;
    const service = "tcp:10.0.0.1:80";
    const insertSeries = db.prepare("INSERT INTO series (director, service, destination) VALUES (?, ?, ?)");
    const rollup = db.prepare(
      "INSERT INTO rollup_1m (series, minute, cps, in_pps, out_pps, in_bps, out_bps, active_conns, inactive_conns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    db.transaction(() => {
      for (const dest of ["", "10.0.0.11:80", "10.0.0.12:80", "10.0.0.13:80"]) {
        const id = Number(insertSeries.run("d1", service, dest).lastInsertRowid);
        for (let m = nowMinute - 10080; m < nowMinute; m++) {
          const v = 1000 + ((m * 7919) % 1000) / 7; // rates with decimals, like real averages
          rollup.run(id, m, v / 100, v, v * 1.1, v * 1400, v * 90, Math.round(v / 10), Math.round(v / 3));
        }
      }
    })();
    const raw = store.query("d1", service, "7d", now);
    const sent = await new HistorySource(store, null).query({ directorId: "d1", service: null, serviceString: service, range: "7d", destinationOf: (rs) => rs, nowMs: now });
    const before = JSON.stringify(raw).length;
    const after = JSON.stringify(sent).length;
    console.log(`7d history, 3 real servers: ${before} bytes of JSON before, ${after} after (${raw.time.length} -> ${sent.time.length} points per series)`);
    expect(raw.time).toHaveLength(10080);
    expect(before).toBeGreaterThan(1_000_000);
    expect(sent.time.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(Object.keys(sent.destinations).sort()).toEqual(["10.0.0.11:80", "10.0.0.12:80", "10.0.0.13:80"]);
    for (const cols of [sent.total, ...Object.values(sent.destinations)]) for (const f of FIELDS) expect(cols[f]).toHaveLength(sent.time.length);
    expect(after).toBeLessThan(before / 10);
  });
});
