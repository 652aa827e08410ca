// The import preview's rows say each changed field's value before and after (rules-changes.ts).
import { describe, expect, it } from "vitest";
import { changeDetails, fieldValue } from "@/components/director/rules-changes.ts";

const svc = { protocol: "tcp" as const, address: "10.0.0.100", port: 80 };
const cfg = { scheduler: "wlc" as const, schedulerFlags: [], persistence: null, pe: null, onePacket: false };
const dcfg = { forwarding: "route" as const, weight: 5, upperThreshold: 0, lowerThreshold: 0, tunnel: null };

describe("import preview before → after", () => {
  it("a weight change reads 'weight 5 → 3'", () => {
    expect(changeDetails({ action: "update", service: svc, destination: { address: "10.0.1.11", port: 80 }, before: dcfg, after: { ...dcfg, weight: 3 } })).toEqual([
      "weight 5 → 3",
    ]);
  });

  it("service fields, persistence switched on and flags, each with both values", () => {
    const after = { ...cfg, scheduler: "sh" as const, schedulerFlags: ["flag-1" as const], persistence: { timeout: 300, netmask: "255.255.255.0" } };
    expect(changeDetails({ action: "update", service: svc, before: cfg, after })).toEqual([
      "scheduler wlc → sh",
      "schedulerFlags none → flag-1",
      "persistence.timeout none → 300",
      "persistence.netmask none → 255.255.255.0",
    ]);
  });

  it("creates and deletes have no before → after", () => {
    expect(changeDetails({ action: "create", service: svc, before: null, after: cfg })).toEqual([]);
    expect(changeDetails({ action: "delete", service: svc, before: cfg, after: null })).toEqual([]);
    expect(fieldValue(null, "weight")).toBe("none");
  });
});
