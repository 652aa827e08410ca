// The one IPv6 formatter (protocol/ip.ts formatIPv6Groups) in its two spellings: glibc's
// inet_ntop (ipvsadm, the agent's replies) and Go's net.IP.String() (node_exporter's labels,
// so ours). Oracles: the WHATWG URL serializer (Node's URL), which compresses exactly as Go
// does and never writes a dotted tail, and the parser back to groups.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIPv6Groups, ipVersion } from "@/protocol/ip.ts";
import { ipv6Groups } from "@/protocol/ipvsadm/addr.ts";
import { goIpString, rsLabel, vsLabel } from "@/protocol/metrics-labels.ts";

const group = fc.oneof(fc.constant(0), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff }));
// zeros are frequent so that runs (and the IPv4-compatible and -mapped prefixes) are generated
const groups = fc.oneof(
  fc.array(group, { minLength: 8, maxLength: 8 }),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => [0, 0, 0, 0, 0, 0xffff, a, b]),
  fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => [0, 0, 0, 0, 0, 0, a, b]),
);
const isMapped = (g: number[]) => g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
const dottedOf = (g: number[]) => `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`;
const whatwg = (g: number[]) => new URL(`http://[${g.map((x) => x.toString(16)).join(":")}]/`).hostname.slice(1, -1);

describe("formatIPv6Groups, go style (Go's net.IP.String)", () => {
  it("is the WHATWG serialization, except an IPv4-mapped address is plain dotted IPv4", () => {
    fc.assert(
      fc.property(groups, (g) => {
        expect(formatIPv6Groups(g, "go")).toBe(isMapped(g) ? dottedOf(g) : whatwg(g));
      }),
      { numRuns: 5000 },
    );
  });
  it("parses back to the same groups", () => {
    fc.assert(
      fc.property(groups, (g) => {
        const text = formatIPv6Groups(g, "go");
        if (isMapped(g)) expect(ipVersion(text)).toBe(4);
        else expect(ipv6Groups(text)).toEqual(g);
      }),
      { numRuns: 3000 },
    );
  });
  it.each([
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["::10.0.0.1", "::a00:1"],
    ["::2", "::2"],
    ["2001:0DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
    ["::", "::"],
    ["fe80::", "fe80::"],
  ])("%s -> %s", (input, go) => {
    expect(goIpString(input)).toBe(go);
  });
});

describe("the two styles", () => {
  it("differ only where glibc writes a dotted tail, and reading glibc's text gives Go's", () => {
    fc.assert(
      fc.property(groups, (g) => {
        const glibc = formatIPv6Groups(g);
        const go = formatIPv6Groups(g, "go");
        if (!glibc.includes(".")) expect(go).toBe(glibc);
        expect(ipv6Groups(glibc)).toEqual(g);
        // the agent gets glibc's spelling from its codec and labels it in Go's
        expect(goIpString(glibc)).toBe(go);
      }),
      { numRuns: 3000 },
    );
  });
  it("the default is glibc's", () => {
    expect(formatIPv6Groups([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1])).toBe("::ffff:10.0.0.1");
    expect(formatIPv6Groups([0, 0, 0, 0, 0, 0, 0x0a00, 1])).toBe("::10.0.0.1");
  });
});

describe("vs and rs labels", () => {
  it("bracket IPv6 in Go's spelling", () => {
    expect(vsLabel({ protocol: "udp", address: "2001:db8::0:1", port: 53 })).toBe("udp/[2001:db8::1]:53");
    expect(vsLabel({ protocol: "fwmark", family: "ipv6", fwmark: 26 })).toBe("fwmark/26/ipv6");
    expect(rsLabel("::ffff:10.0.0.1", 80)).toBe("10.0.0.1:80");
    expect(rsLabel("10.0.1.1", 8080)).toBe("10.0.1.1:8080");
  });
});
