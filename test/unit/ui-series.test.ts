// Chart buffers (history + appended live points, trimmed to the range) and topology shares.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { alignedFor, appendLive, bufferFromHistory } from "@/components/service/series.ts";
import { topologyEdges } from "@/components/service/topology-layout.ts";
import type { DestinationView, History, TrafficPoint } from "@/protocol/dashboard/index.ts";

const point = (cps: number): TrafficPoint => ({ cps, inPps: 1, outPps: 2, inBps: 3, outBps: 4, activeConns: 5, inactiveConns: 6 });
const cols = (vals: (number | null)[]) => ({ cps: vals, inPps: vals, outPps: vals, inBps: vals, outBps: vals, activeConns: vals, inactiveConns: vals });

const history: History = {
  range: "15m",
  step: 1,
  time: [100, 101, 102],
  total: cols([1, 2, 3]),
  destinations: { "10.0.1.11:80": cols([1, 1, 1]) },
};

describe("appendLive", () => {
  it("appends, pads a new real server with nulls, and keeps the history untouched", () => {
    const b0 = bufferFromHistory(history);
    const b1 = appendLive(b0, { time: 103, total: point(9), destinations: { "10.0.1.11:80": point(4), "10.0.1.12:80": point(5) } }, 900);
    expect(b1.time).toEqual([100, 101, 102, 103]);
    expect(b1.total.cps).toEqual([1, 2, 3, 9]);
    expect(b1.destinations["10.0.1.12:80"]!.cps).toEqual([null, null, null, 5]);
    expect(alignedFor(b1, "cps", ["10.0.1.11:80", "10.0.1.12:80", "gone:1"])).toEqual([
      [100, 101, 102, 103],
      [1, 2, 3, 9],
      [1, 1, 1, 4],
      [null, null, null, 5],
      [null, null, null, null],
    ]);
    expect(history.time).toEqual([100, 101, 102]);
  });

  it("ignores points closer than a step and repeated times", () => {
    const b0 = bufferFromHistory({ ...history, step: 60 });
    expect(appendLive(b0, { time: 130, total: point(1), destinations: {} }, 3600)).toBe(b0);
    expect(appendLive(b0, { time: 162, total: point(1), destinations: {} }, 3600).time).toEqual([100, 101, 102, 162]);
    const b1 = bufferFromHistory(history);
    expect(appendLive(b1, { time: 102, total: point(1), destinations: {} }, 900)).toBe(b1);
  });

  it("keeps only the range and every column as long as the time axis", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 80 }), fc.integer({ min: 5, max: 60 }), (gaps, range) => {
        let b = bufferFromHistory(history);
        let t = 102;
        for (const g of gaps) {
          t += g;
          b = appendLive(b, { time: t, total: point(t), destinations: g % 2 ? { [`10.0.0.${g}:80`]: point(g) } : {} }, range);
        }
        expect(b.time[0]! >= t - range || b.time.length === 3).toBe(true);
        for (const c of Object.values(b.total)) expect(c).toHaveLength(b.time.length);
        for (const d of Object.values(b.destinations)) for (const c of Object.values(d)) expect(c).toHaveLength(b.time.length);
        expect([...b.time].sort((x, y) => x - y)).toEqual(b.time);
      }),
    );
  });
});

describe("topologyEdges", () => {
  const dest = (key: string, inBps: number, weight = 1, activeConns = 0): DestinationView => ({
    key,
    address: key.split(":")[0]!,
    port: 80,
    config: { forwarding: "route", weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
    persistConns: 0,
    traffic: { ...point(0), inBps, outBps: 0, activeConns },
    drainJob: null,
  });
  it("shares of bytes sum to 1, widths grow with the share, weight 0 is drained", () => {
    const e = topologyEdges([dest("a:80", 300), dest("b:80", 100), dest("c:80", 0, 0)]);
    expect(e.map((x) => x.share)).toEqual([0.75, 0.25, 0]);
    expect(e[0]!.width).toBeGreaterThan(e[1]!.width);
    expect(e[2]).toMatchObject({ width: 1, drained: true });
  });
  it("falls back to active connections when no bytes flow, and to zero when idle", () => {
    expect(topologyEdges([dest("a:80", 0, 1, 3), dest("b:80", 0, 1, 1)]).map((x) => x.share)).toEqual([0.75, 0.25]);
    expect(topologyEdges([dest("a:80", 0)]).map((x) => x.share)).toEqual([0]);
  });
});
