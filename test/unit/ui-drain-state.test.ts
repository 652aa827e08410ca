// The drain countdown's text and phase from a drain job, and which job belongs to a row.
import { describe, expect, it } from "vitest";
import { drainDisplay, jobFor } from "@/components/drain/drain-state.ts";
import type { DrainJob } from "@/protocol/dashboard/index.ts";

function job(over: Partial<DrainJob> = {}, target: Partial<DrainJob["targets"][string]> = {}): DrainJob {
  return {
    id: "j1",
    group: null,
    service: "tcp:10.0.0.100:80",
    destination: "10.0.1.11:80",
    targets: { dir1: { previousWeight: 3, activeConns: 12, inactiveConns: 3, status: "draining", error: null, ...target } },
    status: "draining",
    startedAt: 1000,
    finishedAt: null,
    etaSeconds: 90,
    persistent: false,
    ...over,
  };
}

describe("drainDisplay", () => {
  it("counts down with the ETA", () => {
    const d = drainDisplay(job(), "dir1");
    expect(d.phase).toBe("draining");
    expect(d.text).toBe("draining: 12 active, 3 inactive · ETA 1m 30s");
  });
  it("ETA unknown until the server has a rate; a delta may have dropped the null", () => {
    const j = job({ etaSeconds: null });
    expect(drainDisplay(j, "dir1").text).toContain("ETA unknown");
    const { etaSeconds: _, ...withoutEta } = j;
    expect(drainDisplay(withoutEta as DrainJob, "dir1").text).toContain("ETA unknown");
  });
  it("drained when both counts reach 0 or the server says so", () => {
    expect(drainDisplay(job({}, { activeConns: 0, inactiveConns: 0 }), "dir1")).toMatchObject({ phase: "drained", text: "drained" });
    expect(drainDisplay(job({}, { status: "drained", activeConns: 1 }), "dir1").phase).toBe("drained");
  });
  it("idle without a job, for another director, or after undrain/remove", () => {
    expect(drainDisplay(undefined, "dir1").phase).toBe("idle");
    expect(drainDisplay(job(), "dir2").phase).toBe("idle");
    expect(drainDisplay(job({}, { status: "undrained" }), "dir1").phase).toBe("idle");
    expect(drainDisplay(job({}, { status: "removed" }), "dir1").phase).toBe("idle");
  });
  it("failed with the reason", () => {
    expect(drainDisplay(job({}, { status: "failed", error: "agent offline" }), "dir1")).toMatchObject({ phase: "failed", text: "drain failed: agent offline" });
  });
});

describe("jobFor", () => {
  it("prefers the row's hint, else the newest matching job of the director", () => {
    const old = job({ id: "old", startedAt: 1 });
    const newer = job({ id: "new", startedAt: 2 });
    const other = job({ id: "other", destination: "10.0.1.12:80", startedAt: 3 });
    const jobs = { old, new: newer, other };
    expect(jobFor(jobs, "dir1", old.service, old.destination)?.id).toBe("new");
    expect(jobFor(jobs, "dir1", old.service, old.destination, "old")?.id).toBe("old");
    expect(jobFor(jobs, "dir2", old.service, old.destination)).toBeUndefined();
  });
});
