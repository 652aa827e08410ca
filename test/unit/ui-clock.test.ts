// One clock for the charts and the audit log (components/lib/clock.ts): UTC by default, the
// same text as formatTimestamp there; another zone shifts every field by the zone's offset
// and says so; axis ticks and "since" times agree with the rows; a bad stored zone is UTC.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatAxisTime,
  formatClockTime,
  formatDateTime,
  isTimeZone,
  offsetLabel,
  parseTimeZone,
  zoneOffsetMinutes,
} from "@/components/lib/clock.ts";
import { formatTimestamp } from "@/components/lib/format.ts";
import { formatMetric } from "@/components/service/series.ts";

const at = (iso: string) => Date.parse(iso);
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 });

describe("clock", () => {
  it("UTC writes what formatTimestamp writes", () => {
    fc.assert(
      fc.property(instant, (ms) => {
        expect(formatDateTime(ms, "UTC")).toBe(formatTimestamp(ms));
      }),
    );
  });

  it("another zone: the wall clock of the instant plus its offset, and the offset written", () => {
    expect(formatDateTime(at("2026-12-02T17:05:09Z"), "Asia/Kolkata")).toBe("2026-12-02 22:35:09 +05:30");
    expect(formatDateTime(at("2026-12-02T02:05:09Z"), "America/New_York")).toBe("2026-12-01 21:05:09 -05:00");
    expect(formatDateTime(at("2026-07-02T02:05:09Z"), "America/New_York")).toBe("2026-07-01 22:05:09 -04:00"); // summer time
    expect(zoneOffsetMinutes(at("2026-12-02T17:05:09Z"), "Asia/Kolkata")).toBe(330);
    expect(offsetLabel(0, "UTC")).toBe("Z");
    fc.assert(
      fc.property(instant, fc.constantFrom("Asia/Kolkata", "Europe/Paris", "America/Los_Angeles", "Australia/Adelaide"), (ms, zone) => {
        const s = formatDateTime(ms, zone);
        const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2}:\d{2})$/.exec(s);
        expect(m).not.toBeNull();
        // read back: the wall time at that offset is the same instant (to the second)
        expect(Date.parse(`${m![1]}T${m![2]}${m![3]}`)).toBe(Math.floor(ms / 1000) * 1000);
      }),
    );
  });

  it("'since' times and axis ticks agree with the rows", () => {
    const now = at("2026-12-02T18:00:00Z");
    expect(formatClockTime(at("2026-12-02T12:03:04Z"), now, "UTC")).toBe("12:03:04 UTC");
    expect(formatClockTime(at("2026-12-01T23:59:59Z"), now, "UTC")).toBe("2026-12-01 23:59:59 UTC");
    // 20:00 UTC on the 1st is the 2nd in Kolkata, like now
    expect(formatClockTime(at("2026-12-01T20:00:00Z"), now, "Asia/Kolkata")).toBe("01:30:00 +05:30");
    const t = at("2026-12-02T17:05:00Z") / 1000;
    expect(formatAxisTime(t, 300, "UTC", t - 300)).toBe("17:05");
    expect(formatAxisTime(t, 300, "Asia/Kolkata", t - 300)).toBe("22:35");
    expect(formatAxisTime(t, 10, "UTC", t - 10)).toBe("17:05:00");
    expect(formatAxisTime(t, 86400, "UTC")).toBe("12-02");
    expect(formatAxisTime(at("2026-12-02T00:00:00Z") / 1000, 3 * 3600, "UTC", at("2026-12-01T21:00:00Z") / 1000)).toBe("12-02 00:00");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800 }), fc.constantFrom("UTC", "Asia/Kolkata", "Europe/Paris"), (sec, zone) => {
        // a tick's hh:mm is the row's hh:mm of the same instant
        expect(formatDateTime(sec * 1000, zone).slice(11, 16)).toBe(formatAxisTime(sec, 600, zone, sec - 600));
      }),
    );
  });

  it("a stored zone that is not one is UTC", () => {
    expect(parseTimeZone(null)).toBe("UTC");
    expect(parseTimeZone("Mars/Olympus")).toBe("UTC");
    expect(parseTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(isTimeZone("")).toBe(false);
  });
});

describe("chart units", () => {
  it("traffic in bit/s with its prefix, rates with their unit, counts bare", () => {
    expect(formatMetric("inBps", 12_300_000)).toBe("12.3 Mbit/s");
    expect(formatMetric("outBps", 0)).toBe("0 bit/s");
    expect(formatMetric("cps", 1200)).toBe("1.2k conn/s");
    expect(formatMetric("inPps", 5)).toBe("5 pkt/s");
    expect(formatMetric("activeConns", 45)).toBe("45");
  });
});
