import { isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipVersion } from "../../protocol/ip.ts";

describe("protocol/ip", () => {
  it("agrees with node:net on generated addresses", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string(), fc.ipV4Extended()), (s) => {
        expect(ipVersion(s)).toBe(isIP(s));
      }),
      { numRuns: 5000 },
    );
  });
  it("refuses zone ids, which IPVS cannot use", () => {
    expect(ipVersion("fe80::1%eth0")).toBe(0);
  });
  it.each([
    ["10.0.0.1", 4], ["::1", 6], ["2001:db8::10", 6], ["::ffff:1.2.3.4", 6], ["1::", 6],
    ["256.1.1.1", 0], ["01.2.3.4", 0], ["1:2:3:4:5:6:7:8:9", 0], ["1::2::3", 0], ["", 0],
    ["1:2:3:4:5:6:7::", 6], ["1:2:3:4:5:6:7:8::", 0]
  ])("%s -> %d", (s, v) => {
    expect(ipVersion(s)).toBe(isIP(s));
    expect(ipVersion(s)).toBe(v);
  });
});
