// The health views' pure rules: each state's badge (word and glyph, never colour alone) and a
// title with the last reason and latency; the real servers health removed from the kernel
// (listed from the health view); a service's transitions newest first; latency columns.
import { describe, expect, it } from "vitest";
import { formatLatency, healthBadge, healthTitle, heldOut, latencyColumns, latencyKeys, recentTransitions } from "@/components/health/health-state.ts";
import type { RsHealthView, ServiceHealthView } from "@/protocol/dashboard/health.ts";
import { RsHealthState } from "@/protocol/health.ts";

const rs = (key: string, over: Partial<RsHealthView> = {}): RsHealthView => ({
  key,
  address: key.slice(0, key.lastIndexOf(":")),
  port: Number(key.slice(key.lastIndexOf(":") + 1)),
  state: "up",
  configuredWeight: 1,
  inPool: true,
  lastResult: { ok: true, reason: "ok", latencyMs: 1.25, at: Date.UTC(2026, 0, 2, 12, 3, 4) },
  consecutiveFailures: 0,
  transitions: [],
  checkers: ["HTTP_GET"],
  ...over,
});

const svc = (servers: RsHealthView[]): ServiceHealthView => ({
  key: "tcp:172.16.0.100:80",
  quorumUp: true,
  liveWeight: servers.length,
  sorryServerActive: false,
  realServers: Object.fromEntries(servers.map((r) => [r.key, r])),
});

describe("healthBadge", () => {
  it("gives every state its own word and glyph", () => {
    const looks = RsHealthState.options.map(healthBadge);
    expect(looks.map((l) => l.label)).toEqual(RsHealthState.options);
    expect(new Set(looks.map((l) => l.glyph)).size).toBe(looks.length);
    expect(new Set(looks.map((l) => l.className)).size).toBe(looks.length);
  });
});

describe("healthTitle", () => {
  it("has the state, the last reason, its latency and time, and the checkers", () => {
    const t = healthTitle(rs("10.0.0.11:80"));
    expect(t).toMatch(/^up: /);
    expect(t).toContain("last check ok, 1.3 ms at 2026-01-02 12:03:04Z");
    expect(t).toContain("checks: HTTP_GET");
  });

  it("writes the last check's time in the user's zone", () => {
    expect(healthTitle(rs("10.0.0.11:80"), "Asia/Kolkata")).toContain("1.3 ms at 2026-01-02 17:33:04 +05:30");
  });

  it("says why a server is down, how many failures in a row, and that the kernel lost it", () => {
    const down = rs("10.0.0.12:80", {
      state: "down",
      inPool: false,
      consecutiveFailures: 3,
      lastResult: { ok: false, reason: "connect refused", latencyMs: 2500, at: 0 },
    });
    const t = healthTitle(down);
    expect(t).toMatch(/^down: /);
    expect(t).toContain("last check connect refused, 2.50 s");
    expect(t).toContain("3 failures in a row");
    expect(t).toContain("not in the kernel's table");
    expect(healthTitle({ ...down, consecutiveFailures: 1, lastResult: null, checkers: [] })).toContain("1 failure in a row · not in the kernel's table · no checker (always up)");
    expect(healthTitle({ ...down, lastResult: null })).toContain("no check result yet");
  });

  it("formats latencies by size", () => {
    expect([0.42, 12.4, 999, 1500, -1, Number.NaN].map(formatLatency)).toEqual(["0.4 ms", "12 ms", "999 ms", "1.50 s", "-", "-"]);
  });
});

describe("heldOut", () => {
  it("lists the checked servers the kernel's table lacks, in numeric order", () => {
    const s = svc([rs("10.0.0.13:80", { state: "down", inPool: false }), rs("10.0.0.11:80"), rs("10.0.0.9:80", { state: "down", inPool: false }), rs("10.0.0.12:80")]);
    expect(heldOut(s, ["10.0.0.11:80", "10.0.0.12:80"]).map((r) => r.key)).toEqual(["10.0.0.9:80", "10.0.0.13:80"]);
    expect(heldOut(s, ["10.0.0.9:80", "10.0.0.11:80", "10.0.0.12:80", "10.0.0.13:80"])).toEqual([]);
    expect(heldOut(undefined, [])).toEqual([]);
  });
});

describe("recentTransitions", () => {
  it("merges every real server's transitions newest first, with its key, up to the limit", () => {
    const a = rs("10.0.0.11:80", { transitions: [{ from: "unknown", to: "up", reason: "ok", at: 1000 }, { from: "up", to: "down", reason: "HTTP 503", at: 5000 }] });
    const b = rs("10.0.0.12:80", { transitions: [{ from: "up", to: "down", reason: "connect refused", at: 3000 }, { from: "down", to: "up", reason: "ok", at: 7000 }] });
    const rows = recentTransitions(svc([a, b]));
    expect(rows.map((r) => [r.destination, r.at, r.to])).toEqual([
      ["10.0.0.12:80", 7000, "up"],
      ["10.0.0.11:80", 5000, "down"],
      ["10.0.0.12:80", 3000, "down"],
      ["10.0.0.11:80", 1000, "up"],
    ]);
    expect(rows[1]!.reason).toBe("HTTP 503");
    expect(recentTransitions(svc([a, b]), 2).map((r) => r.at)).toEqual([7000, 5000]);
    expect(recentTransitions(undefined)).toEqual([]);
  });
});

describe("latency columns", () => {
  const view = { time: 100, latency: { "10.0.0.12:80": { "98": 2.5, "96": 2 }, "10.0.0.9:80": { "97": 1 } } };

  it("orders real servers numerically and aligns them on one time axis, null where a server has no point", () => {
    const keys = latencyKeys(view);
    expect(keys).toEqual(["10.0.0.9:80", "10.0.0.12:80"]);
    expect(latencyColumns(view, keys)).toEqual([
      [96, 97, 98],
      [null, 1, null],
      [2, null, 2.5],
    ]);
  });

  it("is empty columns without data", () => {
    expect(latencyColumns(undefined, [])).toEqual([[]]);
    expect(latencyKeys(undefined)).toEqual([]);
  });
});
