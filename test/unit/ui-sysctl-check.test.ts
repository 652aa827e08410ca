// The sysctl form's pre-check against the agent's documented rule.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSysctlValue, describeRule } from "@/components/sysctls/sysctl-check.ts";

describe("checkSysctlValue", () => {
  const bool = { kind: "int" as const, count: 1, min: 0, max: 1 };
  const pair = { kind: "int" as const, count: 2, min: 0, max: 2147483647, note: "threshold < period" };
  it("accepts exactly the integers in range", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 5 }), (n) => {
        expect(checkSysctlValue(bool, String(n)) === null).toBe(n === 0 || n === 1);
      }),
    );
  });
  it("counts the numbers and rejects the rest", () => {
    expect(checkSysctlValue(pair, "3 50")).toBeNull();
    expect(checkSysctlValue(pair, "3\t50")).toBeNull();
    expect(checkSysctlValue(pair, "3")).toBe("2 whole numbers separated by spaces");
    expect(checkSysctlValue(bool, "yes")).toBe("whole numbers only");
    expect(checkSysctlValue(bool, " ")).toBe("a value is required");
    expect(checkSysctlValue(bool, "2")).toBe("a number in 0..1");
    expect(checkSysctlValue({ kind: "cpulist" }, "0-3,6")).toBeNull();
    expect(checkSysctlValue({ kind: "cpulist" }, "0-")).not.toBeNull();
    expect(checkSysctlValue(undefined, "anything")).toBeNull();
  });
  it("describes rules", () => {
    expect(describeRule(bool)).toBe("0..1");
    expect(describeRule(pair)).toBe("2 numbers in 0..2147483647; threshold < period");
    expect(describeRule({ kind: "cpulist" })).toBe("CPU list");
  });
});
