// Bounds of the anonymous side's memory: login throttling keys under a spray of usernames
// from a locked address (each makes a key) and the refusal buckets under a spray of source
// addresses within one minute (beyond the cap they share one bucket per action, "*").
import { describe, expect, it } from "vitest";
import { LoginLimiter } from "@/server/auth/rate-limit.ts";
import type { AuditStart } from "@/server/store/audit.ts";
import { RefusalAggregator } from "@/server/store/audit-refusals.ts";

describe("limits of the anonymous side", () => {
  it("login throttling keeps at most maxEntries keys under a spray; a live lock of a recent key holds", () => {
    const limiter = new LoginLimiter({ maxEntries: 1000 });
    const now = 1_000_000;
    // one address: locked after 5 failures, then it sprays 5,000 usernames within a second
    for (let i = 0; i < 5; i++) {
      const a = limiter.begin("203.0.113.9", "admin", now);
      if (!("attempt" in a)) throw new Error("the first attempts are admitted");
      a.attempt.done(false);
    }
    for (let i = 0; i < 5000; i++) {
      limiter.begin("203.0.113.9", `user${i}`, now + i / 10);
      expect(limiter.size).toBeLessThanOrEqual(1000 + 3);
    }
    // a recent key survived the eviction: the last sprayed pair is still locked
    expect("retryAfterMs" in limiter.begin("203.0.113.9", "user4999", now + 600)).toBe(true);
  });

  it("refusals from more sources than the cap in one minute share one bucket per action; rows stay bounded", () => {
    const rows: { entry: AuditStart; result: unknown }[] = [];
    const agg = new RefusalAggregator((entry, _ok, result) => rows.push({ entry, result }), 100);
    const now = 60_000 * 1000;
    for (let i = 0; i < 5000; i++) {
      agg.record({ user: "anonymous", action: "auth.origin", director: null, target: null, request: null, address: `198.51.${i >> 8}.${i & 255}` }, { error: { code: "forbidden" } }, now + i);
      expect(agg.bucketCount).toBeLessThanOrEqual(101);
    }
    // the first 100 sources: 3 individual rows at most each (1 here); then the "*" bucket: 3
    // individual rows and one aggregated row with the rest's count once the minute is over
    expect(rows.length).toBe(100 + 3);
    agg.flush(now + 60_000);
    const last = rows.at(-1)!;
    expect(last.entry.request).toMatchObject({ address: "*", aggregated: true });
    expect(last.result).toMatchObject({ count: 5000 - 100 - 3 });
    expect(agg.bucketCount).toBe(0);
  });
});
