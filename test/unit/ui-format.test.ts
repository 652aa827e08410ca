// Dashboard number/time formatting: exact examples plus properties over random inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatAgo,
  formatBitRate,
  formatBytes,
  formatCount,
  formatDuration,
  formatEta,
  formatSi,
  formatTimestamp,
} from "@/components/lib/format.ts";
import { errorHint } from "@/components/lib/api.ts";
import { ERROR_CODES } from "@/protocol/errors.ts";

const SI = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 } as const;

function parseSi(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([kMGTPE]?)$/.exec(s);
  if (!m) throw new Error(`not an SI number: ${s}`);
  return Number(m[1]) * SI[m[2] as keyof typeof SI];
}

describe("formatSi", () => {
  it("examples", () => {
    expect(formatSi(0)).toBe("0");
    expect(formatSi(0.5)).toBe("0.5");
    expect(formatSi(12.34)).toBe("12.3");
    expect(formatSi(999)).toBe("999");
    expect(formatSi(999.6)).toBe("1k");
    expect(formatSi(1234)).toBe("1.23k");
    expect(formatSi(45_600_000)).toBe("45.6M");
    expect(formatSi(-1)).toBe("-");
    expect(formatSi(Number.NaN)).toBe("-");
  });
  it("reads back within 0.5% and stays short", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e20, noNaN: true }), (n) => {
        const s = formatSi(n);
        expect(s.length).toBeLessThanOrEqual(5);
        // three significant digits: at most half a unit of the third digit off
        expect(Math.abs(parseSi(s) - n) / n).toBeLessThan(0.00501);
      }),
    );
  });
  it("is monotone", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e15, noNaN: true }), fc.double({ min: 0, max: 1e15, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(parseSi(formatSi(lo))).toBeLessThanOrEqual(parseSi(formatSi(hi)));
      }),
    );
  });
});

describe("bytes and rates", () => {
  it("examples", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1023)).toBe("1023 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(3.2 * 1024 ** 3)).toBe("3.2 GiB");
    expect(formatBitRate(125_000)).toBe("1 Mbit/s");
    expect(formatBitRate(0)).toBe("0 bit/s");
    expect(formatBitRate(15.5)).toBe("124 bit/s");
    expect(formatBitRate(-5)).toBe("-");
  });
  it("formatCount groups digits and reads back exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (n) => {
        expect(Number(formatCount(n).replace(/\u202f/g, ""))).toBe(n);
      }),
    );
    expect(formatCount(1234567)).toBe("1\u202f234\u202f567");
  });
});

describe("durations, ETA and ages", () => {
  it("examples", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(45)).toBe("45s");
    expect(formatDuration(200)).toBe("3m 20s");
    expect(formatDuration(7500)).toBe("2h 05m");
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe("3d 4h");
  });
  it("minutes and seconds read back exactly below an hour", () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 3599 }), (s) => {
        const m = /^(\d+)m (\d\d)s$/.exec(formatDuration(s));
        expect(m).not.toBeNull();
        expect(Number(m![1]) * 60 + Number(m![2])).toBe(s);
      }),
    );
  });
  it("ETA: done at zero, unknown without a rate", () => {
    expect(formatEta(null, 10)).toBe("ETA unknown");
    expect(formatEta(30, 0)).toBe("done");
    expect(formatEta(90, 5)).toBe("ETA 1m 30s");
    expect(formatEta(undefined, 5)).toBe("ETA unknown");
  });
  it("ages and timestamps", () => {
    expect(formatAgo(1000, 1500)).toBe("just now");
    expect(formatAgo(0, 12_000)).toBe("12s ago");
    expect(formatAgo(0, 300_000)).toBe("5m ago");
    expect(formatTimestamp(Date.UTC(2025, 0, 31, 14, 5, 9, 123))).toBe("2025-01-31 14:05:09Z");
  });
});

describe("error hints", () => {
  it("every protocol error code and network failure has its own advice", () => {
    const hints = [...ERROR_CODES, "network" as const].map(errorHint);
    expect(new Set(hints).size).toBe(hints.length);
  });
});
