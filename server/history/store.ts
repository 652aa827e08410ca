// Stats history: one-second samples for the last 15 minutes and one-minute rollups for 7
// days, per director / service / real server ('' = the total of the level above).
// The current minute of every series is kept in memory (a 60 x 7 float32 buffer); completed
// minutes are written in one transaction per flush: the sample row and its rollup. On a
// clean shutdown the partial minute is written too and merged with the next run's samples
// of that minute; a crash loses at most the minutes not flushed yet (flush runs every few
// seconds) and the partial minute.
import type { History, HistoryRange, SeriesColumns, TrafficPoint } from "@/protocol/dashboard/index.ts";
import { LIMITS, type LimitCounters } from "../limits.ts";
import type { Db } from "../store/db.ts";
import {
  FIELDS,
  NFIELDS,
  SECONDS_PER_MINUTE,
  averageMinute,
  emptyColumns,
  emptyMinute,
  fromBlob,
  mergeMinutes,
  tidy,
  toBlob,
  writePoint,
} from "./series.ts";

export const SAMPLE_RETENTION_MINUTES = 15;
export const ROLLUP_RETENTION_MINUTES = 7 * 24 * 60;

// 30d is Prometheus's (--prometheus); when Prometheus fails the store answers what it keeps
const RANGE_MINUTES: Record<HistoryRange, number> = { "15m": 15, "1h": 60, "24h": 1440, "7d": 10080, "30d": ROLLUP_RETENTION_MINUTES };

interface Buffer1s {
  minute: number;
  data: Float32Array;
}

interface Series {
  id: number;
  director: string;
  service: string;
  destination: string;
  /** the minute being filled */
  buf: Buffer1s | null;
  /** the last minute recorded: the least recently recorded are forgotten first */
  seen: number;
}

export interface SeriesPoint {
  service: string;
  destination: string;
  point: TrafficPoint;
}

export interface HistoryStoreOptions {
  /** series ids kept in memory (default LIMITS.historySeries) */
  maxSeries?: number;
  /** completed minutes kept while their write fails (default LIMITS.historyPendingMinutes) */
  maxPendingMinutes?: number;
  counters?: LimitCounters;
}

export class HistoryStore {
  readonly #db: Db;
  /** director -> service -> destination -> series (nested: no key strings built per sample).
   * A cache of the series table: looked up on first use, bounded by maxSeries. */
  readonly #ids = new Map<string, Map<string, Map<string, Series>>>();
  #size = 0;
  /** series with a minute in memory */
  readonly #current = new Set<Series>();
  #pending: { series: number; buf: Buffer1s }[] = [];
  readonly #maxSeries: number;
  readonly #maxPending: number;
  readonly #counters: LimitCounters | undefined;

  constructor(db: Db, opts: HistoryStoreOptions = {}) {
    this.#db = db;
    this.#maxSeries = opts.maxSeries ?? LIMITS.historySeries;
    this.#maxPending = opts.maxPendingMinutes ?? LIMITS.historyPendingMinutes;
    this.#counters = opts.counters;
    db.function("merge_samples", (a: unknown, b: unknown) =>
      toBlob(mergeMinutes(fromBlob(a as Buffer), fromBlob(b as Buffer))),
    );
  }

  /** Series ids in memory (at most maxSeries after each record). */
  get seriesInMemory(): number {
    return this.#size;
  }

  /** Completed minutes not written yet. */
  get pendingMinutes(): number {
    return this.#pending.length;
  }

  #remember(director: string, service: string, destination: string, id: number, minute: number): Series {
    let byService = this.#ids.get(director);
    if (!byService) {
      byService = new Map();
      this.#ids.set(director, byService);
    }
    let byDest = byService.get(service);
    if (!byDest) {
      byDest = new Map();
      byService.set(service, byDest);
    }
    const series: Series = { id, director, service, destination, buf: null, seen: minute };
    byDest.set(destination, series);
    this.#size++;
    return series;
  }

  #series(director: string, service: string, destination: string, minute: number): Series {
    const known = this.#ids.get(director)?.get(service)?.get(destination);
    if (known) return known;
    const row = this.#db.prepare("SELECT id FROM series WHERE director = ? AND service = ? AND destination = ?").get(director, service, destination) as
      | { id: number }
      | undefined;
    const id = row?.id ?? Number(this.#db.prepare("INSERT INTO series (director, service, destination) VALUES (?, ?, ?)").run(director, service, destination).lastInsertRowid);
    return this.#remember(director, service, destination, id, minute);
  }

  /** Over maxSeries: forget the least recently recorded series that have no minute in
   * memory, down to 90 % of the cap (so the sweep runs once per many new series). Their rows
   * stay in SQLite; a series that comes back is looked up again. */
  #evictSeries(): void {
    if (this.#size <= this.#maxSeries) return;
    const idle: Series[] = [];
    for (const byService of this.#ids.values()) for (const byDest of byService.values()) for (const s of byDest.values()) if (!s.buf) idle.push(s);
    idle.sort((a, b) => a.seen - b.seen);
    const target = Math.floor(this.#maxSeries * 0.9);
    let n = 0;
    for (const s of idle) {
      if (this.#size <= target) break;
      const byService = this.#ids.get(s.director)!;
      const byDest = byService.get(s.service)!;
      byDest.delete(s.destination);
      if (byDest.size === 0) byService.delete(s.service);
      if (byService.size === 0) this.#ids.delete(s.director);
      this.#size--;
      n++;
    }
    this.#counters?.evicted("history_series", n);
  }

  /** While writes fail the oldest completed minutes beyond maxPendingMinutes are dropped. */
  #boundPending(): void {
    const over = this.#pending.length - this.#maxPending;
    if (over <= 0) return;
    this.#pending.splice(0, over);
    this.#counters?.evicted("history_pending_minutes", over);
  }

  /** One stats event of a director: its total, its services and their real servers. */
  record(director: string, timeMs: number, points: readonly SeriesPoint[]): void {
    const sec = Math.floor(timeMs / 1000);
    const minute = Math.floor(sec / SECONDS_PER_MINUTE);
    const second = sec % SECONDS_PER_MINUTE;
    for (const p of points) {
      const series = this.#series(director, p.service, p.destination, minute);
      series.seen = minute;
      let buf = series.buf;
      if (buf && buf.minute !== minute) {
        if (minute < buf.minute) continue; // a late event from before the clock moved on
        this.#pending.push({ series: series.id, buf });
        buf = null;
      }
      if (!buf) {
        buf = { minute, data: emptyMinute() };
        series.buf = buf;
        this.#current.add(series);
      }
      writePoint(buf.data, second, p.point);
    }
    this.#boundPending();
    this.#evictSeries();
  }

  /** Writes completed minutes (and, with `all`, the partial current ones) in one transaction. */
  flush(nowMs = Date.now(), all = false): void {
    const nowMinute = Math.floor(nowMs / 60_000);
    for (const series of this.#current) {
      const buf = series.buf;
      if (buf && (all || buf.minute < nowMinute)) {
        this.#pending.push({ series: series.id, buf });
        series.buf = null;
        this.#current.delete(series);
      }
    }
    this.#boundPending();
    if (this.#pending.length === 0) return;
    // the pending minutes are let go only once their transaction commits: a failed write
    // (disk full) keeps them for the next flush
    const pending = this.#pending;
    const sample = this.#db.prepare(
      `INSERT INTO samples_1s (series, minute, data) VALUES (?, ?, ?)
       ON CONFLICT(series, minute) DO UPDATE SET data = merge_samples(data, excluded.data)`,
    );
    const rollup = this.#db.prepare(
      `INSERT OR REPLACE INTO rollup_1m (series, minute, cps, in_pps, out_pps, in_bps, out_bps, active_conns, inactive_conns)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#db.transaction(() => {
      for (const { series, buf } of pending) {
        sample.run(series, buf.minute, toBlob(buf.data));
        const avg = averageMinute(buf.data);
        if (avg) rollup.run(series, buf.minute, ...avg);
      }
    })();
    this.#pending = this.#pending.slice(pending.length);
  }

  /** Deletes what is past retention; returns the rows deleted. */
  prune(nowMs = Date.now()): number {
    const nowMinute = Math.floor(nowMs / 60_000);
    const a = this.#db.prepare("DELETE FROM samples_1s WHERE minute < ?").run(nowMinute - SAMPLE_RETENTION_MINUTES);
    const b = this.#db.prepare("DELETE FROM rollup_1m WHERE minute < ?").run(nowMinute - ROLLUP_RETENTION_MINUTES);
    return a.changes + b.changes;
  }

  /**
   * The oldest minute the store holds for a service (or the director's total, service ''),
   * in seconds since the epoch; null when it has none. A range starting before it is beyond
   * what SQLite can show (server/history/source.ts then asks Prometheus).
   */
  firstSecond(director: string, service: string): number | null {
    const row = this.#db.prepare("SELECT id FROM series WHERE director = ? AND service = ? AND destination = ''").get(director, service) as { id: number } | undefined;
    if (!row) return null;
    const r = this.#db.prepare("SELECT MIN(minute) AS m FROM rollup_1m WHERE series = ?").get(row.id) as { m: number | null };
    const minute = r.m ?? this.#ids.get(director)?.get(service)?.get("")?.buf?.minute ?? null;
    return minute === null ? null : minute * 60;
  }

  /** The history of a service (or of the director's total when service is ''). */
  query(director: string, service: string, range: HistoryRange, nowMs = Date.now()): History {
    try {
      this.flush(nowMs);
    } catch {
      // a store that cannot write still answers what it has (the minutes stay pending)
    }
    // from the table, not the in-memory cache: a series forgotten there still has its history
    const inMemory = this.#ids.get(director)?.get(service);
    const rows = (this.#db.prepare("SELECT id, destination FROM series WHERE director = ? AND service = ?").all(director, service) as { id: number; destination: string }[]).map(
      (r) => ({ id: r.id, buf: inMemory?.get(r.destination)?.buf ?? null, destination: r.destination }),
    );
    const fine = range === "15m";
    const step = fine ? 1 : 60;
    const n = fine ? SAMPLE_RETENTION_MINUTES * 60 : RANGE_MINUTES[range];
    const nowSlot = Math.floor(nowMs / 1000 / step);
    const first = nowSlot - n + 1;
    const time = Array.from({ length: n }, (_, i) => (first + i) * step);
    let total = emptyColumns(n);
    const destinations: Record<string, SeriesColumns> = {};
    for (const r of rows) {
      const cols = fine ? this.#fine(r, first, n) : this.#coarse(r.id, first, n);
      if (r.destination === "") total = cols ?? total;
      else if (cols) destinations[r.destination] = cols;
    }
    return { range, step, time, total, destinations };
  }

  #fine(series: { id: number; buf: Buffer1s | null }, firstSec: number, n: number): SeriesColumns | null {
    const firstMinute = Math.floor(firstSec / 60);
    const minutes: Buffer1s[] = (
      this.#db
        .prepare("SELECT minute, data FROM samples_1s WHERE series = ? AND minute >= ? ORDER BY minute")
        .all(series.id, firstMinute) as { minute: number; data: Buffer }[]
    ).map((r) => ({ minute: r.minute, data: fromBlob(r.data) }));
    const cur = series.buf;
    if (cur) minutes.push(cur);
    if (minutes.length === 0) return null;
    const cols = emptyColumns(n);
    for (const m of minutes) {
      for (let s = 0; s < SECONDS_PER_MINUTE; s++) {
        const i = m.minute * 60 + s - firstSec;
        if (i < 0 || i >= n) continue;
        // the in-memory minute may repeat a minute written before a restart: NaN never
        // overwrites a sample
        if (Number.isNaN(m.data[s * NFIELDS]!)) continue;
        for (let f = 0; f < NFIELDS; f++) cols[FIELDS[f]!][i] = tidy(m.data[s * NFIELDS + f]!);
      }
    }
    return cols;
  }

  #coarse(series: number, firstMinute: number, n: number): SeriesColumns | null {
    const rows = this.#db
      .prepare(
        `SELECT minute, cps, in_pps, out_pps, in_bps, out_bps, active_conns, inactive_conns
         FROM rollup_1m WHERE series = ? AND minute >= ? ORDER BY minute`,
      )
      .raw()
      .all(series, firstMinute) as number[][];
    if (rows.length === 0) return null;
    const cols = emptyColumns(n);
    for (const row of rows) {
      const i = row[0]! - firstMinute;
      if (i < 0 || i >= n) continue;
      for (let f = 0; f < NFIELDS; f++) cols[FIELDS[f]!][i] = tidy(row[f + 1]!);
    }
    return cols;
  }
}
