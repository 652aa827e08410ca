// Stats history: float32 minute rows round-trip (property), 1 s samples for 15 minutes and
// 1-minute rollups for 7 days with retention, merge of a minute written before a restart,
// and the REST route fed by real agent stats.
import fc from "fast-check";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { History, TrafficPoint } from "@/protocol/dashboard/index.ts";
import { HistoryStore } from "@/server/history/store.ts";
import { FIELDS, emptyMinute, fromBlob, mergeMinutes, toBlob, writePoint } from "@/server/history/series.ts";
import { type Db, openDatabase } from "@/server/store/db.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { type TestServer, agents, registration, removeDir, startServer, until } from "./server-helpers.ts";

let db: Db | undefined;
let dir: string | undefined;
let s: TestServer | undefined;
let hs: Harness[] = [];
afterEach(async () => {
  db?.close();
  if (dir) removeDir(dir);
  await s?.close();
  if (s) removeDir(s.dataDir);
  for (const h of hs) await h.close();
  db = undefined;
  dir = undefined;
  s = undefined;
  hs = [];
});

function freshStore(): HistoryStore {
  dir = mkdtempSync(join(tmpdir(), "lvs-fleet-hist-"));
  db = openDatabase(dir);
  return new HistoryStore(db);
}

const pt = (v: number): TrafficPoint => ({ cps: v, inPps: v + 1, outPps: v + 2, inBps: v * 100, outBps: v * 200, activeConns: v, inactiveConns: 2 * v });
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0); // a minute boundary

describe("history rows", () => {
  it("a minute row survives the blob round trip (float32 precision)", () => {
    const f32 = fc.float({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), f32), { maxLength: 60 }), (samples) => {
        const buf = emptyMinute();
        for (const [sec, v] of samples) writePoint(buf, sec, { cps: v, inPps: v, outPps: v, inBps: v, outBps: v, activeConns: v, inactiveConns: v });
        const back = fromBlob(toBlob(buf));
        expect(Array.from(back)).toEqual(Array.from(buf));
        // merging with an empty minute changes nothing either way
        expect(Array.from(mergeMinutes(buf, emptyMinute()))).toEqual(Array.from(buf));
        expect(Array.from(mergeMinutes(emptyMinute(), buf))).toEqual(Array.from(buf));
      }),
    );
  });
});

describe("history store", () => {
  it("15m gives 1 s points, longer ranges 1-minute averages; retention deletes old rows", () => {
    const h = freshStore();
    // 20 minutes of one sample per second: value = minute index
    for (let sec = 0; sec < 20 * 60; sec++) {
      const v = Math.floor(sec / 60);
      h.record("d1", T0 + sec * 1000, [
        { service: "tcp:10.0.0.1:80", destination: "", point: pt(v) },
        { service: "tcp:10.0.0.1:80", destination: "10.0.0.11:80", point: pt(v / 2) },
      ]);
    }
    const now = T0 + 20 * 60_000 - 1; // last second of minute 19
    h.flush(now);
    const fine = h.query("d1", "tcp:10.0.0.1:80", "15m", now);
    expect(fine.step).toBe(1);
    expect(fine.time).toHaveLength(900);
    expect(fine.time.at(-1)).toBe(Math.floor(now / 1000));
    expect(fine.total.cps.at(-1)).toBe(19);
    expect(fine.total.cps[0]).toBe(5); // 15 minutes back is minute 5
    expect(fine.destinations["10.0.0.11:80"]!.inBps.at(-1)).toBe(950);
    for (const f of FIELDS) expect(fine.total[f]).toHaveLength(900);

    const hour = h.query("d1", "tcp:10.0.0.1:80", "1h", now);
    expect(hour.step).toBe(60);
    expect(hour.time).toHaveLength(60);
    // the current minute is not rolled up yet; the 19 complete ones are, at their averages
    expect(hour.total.cps.slice(-20)).toEqual([...Array.from({ length: 19 }, (_, i) => i), null]);
    expect(hour.total.inactiveConns.at(-2)).toBe(36);
    expect(hour.total.cps[0]).toBeNull();

    // a gap: averages only count seconds that had a sample
    h.record("d1", now + 1000, [{ service: "tcp:10.0.0.1:80", destination: "", point: pt(100) }]);
    h.record("d1", now + 30_000, [{ service: "tcp:10.0.0.1:80", destination: "", point: pt(200) }]);
    h.flush(now + 61_000);
    const later = h.query("d1", "tcp:10.0.0.1:80", "24h", now + 61_000);
    expect(later.time).toHaveLength(1440);
    expect(later.total.cps.at(-2)).toBe(150);

    // retention: 1 s rows older than 15 minutes and rollups older than 7 days go
    const samples = () => (db!.prepare("SELECT count(*) n FROM samples_1s").get() as { n: number }).n;
    const rollups = () => (db!.prepare("SELECT count(*) n FROM rollup_1m").get() as { n: number }).n;
    const before = samples();
    expect(h.prune(now)).toBeGreaterThan(0);
    expect(samples()).toBeLessThan(before);
    expect(samples()).toBeGreaterThan(0);
    expect(rollups()).toBe(20 * 2 + 1);
    h.prune(now + 7 * 24 * 3600_000 - 10 * 60_000); // keeps minutes 9 and later
    expect(rollups()).toBe((20 - 9) * 2 + 1);
    h.prune(now + 8 * 24 * 3600_000);
    expect(rollups()).toBe(0);
    expect(samples()).toBe(0);
  });

  it("a partial minute written at shutdown merges with the next run's samples", () => {
    const h = freshStore();
    h.record("d1", T0 + 5_000, [{ service: "", destination: "", point: pt(1) }]);
    h.flush(T0 + 6_000, true); // clean shutdown
    const h2 = new HistoryStore(db!);
    h2.record("d1", T0 + 40_000, [{ service: "", destination: "", point: pt(2) }]);
    const q = h2.query("d1", "", "15m", T0 + 59_000);
    const cps = q.total.cps.slice(-60);
    expect(cps[5]).toBe(1);
    expect(cps[40]).toBe(2);
    expect(cps.filter((v) => v !== null)).toHaveLength(2);
  });
});

describe("history route", () => {
  it("serves the samples recorded from a real agent's stats", async () => {
    hs = await agents(1);
    s = await startServer();
    await s.api("POST", "/api/directors", registration(hs[0]!, "d1"));
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online");
    await s.api("POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "10.1.0.1", port: 80 }, config: { scheduler: "rr" } });
    hs[0]!.ipvs.services.get("tcp:10.1.0.1:80")!.stats.cps = 7;
    const key = encodeURIComponent("tcp:10.1.0.1:80");
    const h = await until(async () => {
      const r = await s!.api<History>("GET", `/api/directors/d1/history?service=${key}&range=15m`);
      return r.body.total.cps.includes(7) ? r.body : null;
    }, 10_000, "a sample with cps 7");
    expect(h.range).toBe("15m");
    const director = await s.api<History>("GET", "/api/directors/d1/history");
    expect(director.body.total.cps).toContain(7);
    expect((await s.api("GET", `/api/directors/d1/history?service=${key}&range=2y`)).status).toBe(400);
    expect((await s.api("GET", "/api/directors/d1/history?service=bogus")).status).toBe(400);
    expect((await s.api("GET", "/api/directors/zz/history")).status).toBe(404);
  });
});
