// Bounds of the stats history's memory (server/limits.ts): the series id cache forgets the
// least recently recorded series past its cap while their history stays queryable, and the
// completed minutes waiting for a write that keeps failing are capped, oldest dropped first.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TrafficPoint } from "@/protocol/dashboard/index.ts";
import { HistoryStore } from "@/server/history/store.ts";
import { LimitCounters } from "@/server/limits.ts";
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

function fresh(opts: { maxSeries?: number; maxPendingMinutes?: number }): { store: HistoryStore; counters: LimitCounters; db: Db } {
  dir = mkdtempSync(join(tmpdir(), "lvs-fleet-limits-"));
  db = openDatabase(dir);
  const counters = new LimitCounters();
  return { store: new HistoryStore(db, { ...opts, counters }), counters, db };
}

const pt = (v: number): TrafficPoint => ({ cps: v, inPps: v, outPps: v, inBps: v, outBps: v, activeConns: v, inactiveConns: v });
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const svc = (i: number) => `tcp:10.1.${Math.floor(i / 250)}.${i % 250}:80`;

describe("history limits", () => {
  it("past maxSeries the least recently recorded series leave memory; their history is still served and a returning series keeps its id", async () => {
    const { store, counters, db } = fresh({ maxSeries: 100 });
    // 300 services, one per second, each recorded once; the flush every minute (as the
    // server's timer does) lets their minutes go, so only series with a minute in memory
    // (never evicted: they are in use) and the cap's worth of idle ones stay
    for (let i = 0; i < 300; i++) {
      store.record("d1", T0 + i * 1000, [{ service: svc(i), destination: "", point: pt(i + 1) }]);
      if (i % 60 === 59) store.flush(T0 + (i + 1) * 1000);
      expect(store.seriesInMemory).toBeLessThanOrEqual(100);
    }
    store.flush(T0 + 400_000, true);
    expect(counters.evictions.get("history_series")).toBeGreaterThanOrEqual(200);
    const rows = () => (db.prepare("SELECT count(*) AS n FROM series").get() as { n: number }).n;
    expect(rows()).toBe(300);
    // the first service was forgotten long ago: its 1 h history still has its one minute
    const early = store.query("d1", svc(0), "1h", T0 + 400_000);
    expect(early.total.cps.filter((v) => v !== null)).toEqual([1]);
    // it comes back: looked up again (same row), not a second series
    store.record("d1", T0 + 500_000, [{ service: svc(0), destination: "", point: pt(7) }]);
    store.flush(T0 + 600_000, true);
    expect(rows()).toBe(300);
    expect(store.query("d1", svc(0), "1h", T0 + 600_000).total.cps.filter((v) => v !== null)).toEqual([1, 7]);
    // the most recent ones were never forgotten
    expect(store.query("d1", svc(299), "1h", T0 + 600_000).total.cps.filter((v) => v !== null)).toEqual([300]);
  });

  it("while writes fail, completed minutes beyond maxPendingMinutes are dropped oldest first; the newest are written once the store recovers", async () => {
    const { store, counters, db } = fresh({ maxPendingMinutes: 50 });
    db.exec("CREATE TRIGGER full BEFORE INSERT ON samples_1s BEGIN SELECT RAISE(FAIL, 'database or disk is full'); END");
    // 3 series, one sample each minute, for 100 minutes: 300 completed minutes, none written
    for (let m = 0; m < 100; m++) {
      const t = T0 + m * 60_000;
      store.record("d1", t, ["a", "b", "c"].map((d) => ({ service: "tcp:10.0.0.1:80", destination: `10.0.0.${d.charCodeAt(0)}:80`, point: pt(m + 1) })));
      expect(() => store.flush(t + 60_000)).toThrow(/disk is full/);
      expect(store.pendingMinutes).toBeLessThanOrEqual(50);
    }
    expect(counters.evictions.get("history_pending_minutes")).toBe(300 - 50);
    db.exec("DROP TRIGGER full");
    store.flush(T0 + 101 * 60_000);
    expect(store.pendingMinutes).toBe(0);
    const h = store.query("d1", "tcp:10.0.0.1:80", "24h", T0 + 101 * 60_000);
    const kept = h.destinations["10.0.0.97:80"]!.cps.filter((v) => v !== null);
    // 50 pending minutes over 3 series: the last 16 or 17 minutes of each survive, in order
    expect(kept.length).toBeGreaterThanOrEqual(16);
    expect(kept.length).toBeLessThanOrEqual(17);
    expect(kept.at(-1)).toBe(100);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 100 - kept.length + 1 + i));
  });
});
