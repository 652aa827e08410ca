// A real-server row's one state badge (precedence), its traffic share, the topology's honest
// labels for a server out of rotation, and an interrupted drain on the row.
import { describe, expect, it } from "vitest";
import { rsRowState } from "@/components/service/rs-row-state.ts";
import { drainDisplay } from "@/components/drain/drain-state.ts";
import { formatShare, topologyEdges, trafficShares } from "@/components/service/topology-layout.ts";
import type { DestinationView, DrainJob } from "@/protocol/dashboard/index.ts";

describe("rsRowState", () => {
  it("first match wins: down > draining > drained > weight 0 > DR not ready > unknown > up > serving", () => {
    const s = (i: Partial<Parameters<typeof rsRowState>[0]>) => rsRowState({ weight: 1, drain: "idle", ...i }).state;
    expect(s({ health: "down", drain: "draining", weight: 0, readiness: "not_ready" })).toBe("down");
    expect(s({ health: "up", drain: "draining", weight: 0, readiness: "not_ready" })).toBe("draining");
    expect(s({ health: "up", drain: "drained", weight: 0 })).toBe("drained");
    expect(s({ health: "up", weight: 0, readiness: "not_ready" })).toBe("weight-0");
    expect(s({ health: "disabled" })).toBe("weight-0");
    expect(s({ health: "up", readiness: "not_ready" })).toBe("dr-not-ready");
    expect(s({ health: "unknown", readiness: "ready" })).toBe("unknown");
    expect(s({ health: "up", readiness: "ready" })).toBe("up");
    expect(s({})).toBe("serving");
    // an interrupted drain left the weight above 0: the row serves again
    expect(s({ drain: "interrupted" })).toBe("serving");
  });
  it("the title keeps what lost the precedence", () => {
    expect(rsRowState({ weight: 0, health: "up", drain: "draining", readiness: "ready" }).title).toBe("draining · health up · weight 0 · DR ready");
    expect(rsRowState({ weight: 3, drain: "interrupted" }).title).toBe("serving · no health checks · drain interrupted");
  });
});

const dest = (key: string, weight: number, inBps: number, activeConns = 0, drainJob: string | null = null): DestinationView => ({
  key,
  address: key.split(":")[0]!,
  port: 80,
  config: { forwarding: "masq", weight, upperThreshold: 0, lowerThreshold: 0, tunnel: null },
  persistConns: 0,
  traffic: { cps: 0, inPps: 0, outPps: 0, inBps, outBps: 0, activeConns, inactiveConns: 4 },
  drainJob,
});

describe("traffic shares and the topology's labels", () => {
  it("a weight-0 server still carrying 37% of the bytes is draining, not drained", () => {
    const dests = [dest("10.0.0.11:80", 0, 370), dest("10.0.0.12:80", 1, 630), dest("10.0.0.13:80", 0, 0)];
    const shares = trafficShares(dests);
    expect(shares.get("10.0.0.11:80")).toEqual({ share: 0.37, basis: "bytes" });
    const edges = topologyEdges(dests);
    expect(edges.map((e) => e.label)).toEqual(["10.0.0.11:80 37% · draining", "10.0.0.12:80 63%", "10.0.0.13:80 0% · drained"]);
    expect(edges.map((e) => e.drained)).toEqual([false, false, true]);
    expect(edges.some((e) => /\d+% drained/.test(e.label))).toBe(false);
  });
  it("active connections are the basis when no bytes flow; a drain job is out of rotation whatever the weight", () => {
    const dests = [dest("a:80", 1, 0, 1, "job"), dest("b:80", 1, 0, 3)];
    expect([...trafficShares(dests).values()]).toEqual([{ share: 0.25, basis: "conns" }, { share: 0.75, basis: "conns" }]);
    expect(topologyEdges(dests)[0]!.label).toBe("a:80 25% · draining");
    expect(trafficShares([dest("a:80", 1, 0)]).get("a:80")).toEqual({ share: 0, basis: "none" });
    expect([formatShare(0), formatShare(0.004), formatShare(0.375)]).toEqual(["0%", "<1%", "38%"]);
  });
});

function job(over: Partial<DrainJob> = {}, target: Partial<DrainJob["targets"][string]> = {}): DrainJob {
  return {
    id: "j1",
    group: null,
    service: "tcp:10.0.0.100:80",
    destination: "10.0.1.11:80",
    targets: { dir1: { previousWeight: 1, activeConns: 0, inactiveConns: 0, status: "draining", error: null, ...target } },
    status: "draining",
    startedAt: 1000,
    finishedAt: null,
    etaSeconds: null,
    persistent: false,
    ...over,
  };
}

describe("an interrupted drain on the row", () => {
  it("says so with the kernel's weight, and is not counted as drained", () => {
    const j = job({ status: "interrupted", finishedAt: 2000 }, { status: "interrupted", error: "weight is 1 in the kernel of dir1, not 0: set outside this drain job" });
    expect(drainDisplay(j, "dir1")).toMatchObject({ phase: "interrupted", text: "drain interrupted: weight is 1 in the kernel of dir1, not 0: set outside this drain job" });
  });
});
