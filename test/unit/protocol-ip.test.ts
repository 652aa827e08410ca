import { isIP } from "node:net";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv6Groups, ipVersion } from "@/protocol/ip.ts";

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

describe("formatIPv6Groups", () => {
  const groups = (s: string): number[] => {
    const [head, tail] = s.split("::") as [string, string | undefined];
    const h = head ? head.split(":").map((x) => Number.parseInt(x, 16)) : [];
    const t = tail ? tail.split(":").map((x) => Number.parseInt(x, 16)) : [];
    return [...h, ...Array(8 - h.length - t.length).fill(0), ...t];
  };
  // what glibc's inet_ntop (and so ipvsadm) prints, checked on Debian 12
  it.each([
    ["0:0:0:0:0:0:0:2", "::2"],
    ["0:0:0:0:0:0:102:304", "::1.2.3.4"],
    ["0:0:0:0:0:ffff:102:304", "::ffff:1.2.3.4"],
    ["0:0:0:0:0:0:0:100", "::100"],
    ["1:0:0:0:0:0:0:0", "1::"],
    ["0:0:0:0:0:0:0:0", "::"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2:3:4:5:6"],
  ])("%s -> %s", (full, text) => {
    expect(formatIPv6Groups(groups(full))).toBe(text);
  });
  it("always prints an address that parses back to the same groups", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }), (g) => {
        const text = formatIPv6Groups(g);
        expect(ipVersion(text)).toBe(6);
        expect(new URL(`http://[${text}]/`).hostname).toBe(new URL(`http://[${g.map((x) => x.toString(16)).join(":")}]/`).hostname);
      }),
      { numRuns: 2000 },
    );
  });
});
