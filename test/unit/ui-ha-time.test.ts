// The time of a VRRP state as the pages write it: "MASTER since 12:03:04 UTC, 2m ago".
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatClock, formatStateSince, formatTransition } from "@/components/ha/ha-time.ts";

const at = (iso: string) => Date.parse(iso);

describe("formatClock", () => {
  it("writes the UTC time of day on the same day, the date too on another day", () => {
    const now = at("2026-12-02T12:05:10Z");
    expect(formatClock(at("2026-12-02T12:03:04Z"), now)).toBe("12:03:04 UTC");
    expect(formatClock(at("2026-12-02T00:00:00Z"), now)).toBe("00:00:00 UTC");
    expect(formatClock(at("2026-12-01T23:59:59Z"), now)).toBe("2026-12-01 23:59:59 UTC");
    expect(formatClock(Number.NaN, now)).toBe("-");
  });

  it("always has the time of day, zero-padded, that the Date reads back", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms, now) => {
        const s = formatClock(ms, now);
        const m = /^(?:(\d{4}-\d{2}-\d{2}) )?(\d{2}):(\d{2}):(\d{2}) UTC$/.exec(s);
        expect(m).not.toBeNull();
        const d = new Date(ms);
        expect(Number(m![2])).toBe(d.getUTCHours());
        expect(Number(m![3])).toBe(d.getUTCMinutes());
        expect(Number(m![4])).toBe(d.getUTCSeconds());
        expect(m![1] === undefined).toBe(d.toISOString().slice(0, 10) === new Date(now).toISOString().slice(0, 10));
      }),
    );
  });
});

describe("formatStateSince", () => {
  const now = at("2026-12-02T12:05:10Z");
  it("writes the state, when it began and how long ago", () => {
    expect(formatStateSince("MASTER", at("2026-12-02T12:03:04Z"), now)).toBe("MASTER since 12:03:04 UTC, 2m ago");
    expect(formatStateSince("BACKUP", now - 1000, now)).toBe("BACKUP since 12:05:09 UTC, just now");
    expect(formatStateSince("FAULT", now - 3 * 3600_000, now)).toBe("FAULT since 09:05:10 UTC, 3h ago");
  });

  it("is only the state while its start is not known", () => {
    expect(formatStateSince("UNKNOWN", null, now)).toBe("UNKNOWN");
    expect(formatStateSince("STOP", undefined, now)).toBe("STOP");
  });

  it("never claims a time in the future: a clock skew reads 'just now'", () => {
    expect(formatStateSince("MASTER", now + 5000, now)).toBe("MASTER since 12:05:15 UTC, just now");
  });
});

describe("formatTransition", () => {
  it("writes both states and the time", () => {
    const now = at("2026-12-02T12:05:10Z");
    expect(formatTransition({ from: "BACKUP", to: "MASTER", at: at("2026-12-02T12:05:00Z") }, now)).toBe("BACKUP → MASTER at 12:05:00 UTC (10s ago)");
  });
});
