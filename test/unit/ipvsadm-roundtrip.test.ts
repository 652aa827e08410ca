// Property tests of the format/parse pairs: -S output read back by the -R parser, argv
// parsing of every line, ipvsadm's sort, and the inet_ntop address spelling.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalAddress } from "@/protocol/ipvsadm/addr.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { RuleModel, destKeyString, serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import { formatSave, parseRestore } from "@/protocol/ipvsadm/save.ts";
import { compareServiceKeys, glibcMergeSort, sortServicesLikeIpvsadm } from "@/protocol/ipvsadm/sort.ts";
import { serviceRulesArb } from "./ipvsadm-arbitraries.ts";

function canonical(rules: ServiceRules[], keepThresholds: boolean): unknown[] {
  return [...rules]
    .sort((a, b) => serviceKeyString(a.key).localeCompare(serviceKeyString(b.key)))
    .map((s) => ({
      key: s.key,
      config: { ...s.config, schedulerFlags: [...s.config.schedulerFlags].sort() },
      destinations: [...s.destinations]
        .sort((a, b) => destKeyString(a.key).localeCompare(destKeyString(b.key)))
        .map((d) => ({
          key: d.key,
          config: keepThresholds ? d.config : { ...d.config, upperThreshold: 0, lowerThreshold: 0 },
        })),
    }));
}

function restore(text: string): ServiceRules[] {
  const parsed = parseRestore(text);
  expect(parsed.errors).toEqual([]);
  const model = new RuleModel();
  for (const op of parsed.operations) model.apply(op.command);
  return model.toRules();
}

describe("ipvsadm -S / -R round trip", () => {
  it("restoring the saved text gives back the same rules (thresholds dropped, like ipvsadm)", () => {
    fc.assert(
      fc.property(serviceRulesArb(), (rules) => {
        expect(canonical(restore(formatSave(rules)), false)).toEqual(canonical(rules, false));
      }),
      { numRuns: 300 },
    );
  });

  it("with thresholds: true the thresholds survive as well", () => {
    fc.assert(
      fc.property(serviceRulesArb(), (rules) => {
        expect(canonical(restore(formatSave(rules, { thresholds: true })), true)).toEqual(canonical(rules, true));
      }),
      { numRuns: 200 },
    );
  });

  it("saving again gives the same lines; their order may differ (ipvsadm's comparator)", () => {
    fc.assert(
      fc.property(serviceRulesArb(), (rules) => {
        const once = formatSave(rules);
        const lines = (t: string) => t.split("\n").sort();
        expect(lines(formatSave(restore(once)))).toEqual(lines(once));
      }),
      { numRuns: 100 },
    );
  });
});

describe("a scheduler outside the known ones", () => {
  it("saves by its kernel name, as ipvsadm -S does, and reads back as that name", () => {
    const listed = {
      key: { protocol: "udp" as const, address: "10.1.1.2", port: 53 },
      config: { scheduler: "none" as const, schedulerFlags: ["flag-1" as const], persistence: null, pe: null, onePacket: true },
      unknownScheduler: "twos",
      destinations: [],
    };
    const text = formatSave([listed]);
    expect(text).toBe("-A -u 10.1.1.2:53 -s twos -o -b flag-1\n");
    expect(restore(text)[0]!.config.scheduler).toBe("twos");
    // a service the kernel really has unbound stays "none"
    expect(formatSave([{ ...listed, unknownScheduler: undefined }])).toBe("-A -u 10.1.1.2:53 -s none -o -b flag-1\n");
  });
});

describe("parseRestore", () => {
  it("reports every bad line with its number and keeps the good ones", () => {
    const text = [
      "ipvsadm -A -t 10.0.0.1:80 -s rr",
      "",
      "# a comment",
      "-a -t 10.0.0.1:80 -r 10.0.0.2 -m\t-w 3",
      "-A -t 10.0.0.1 -s rr",
      "-L -n",
      "-a -t 10.0.0.1:80 -r host.example:80",
      "  ipvsadm  ",
    ].join("\n");
    const r = parseRestore(text);
    expect(r.operations.map((o) => o.line)).toEqual([1, 4]);
    expect(r.errors.map((e) => [e.line, e.message])).toEqual([
      [5, "Zero port specified for non-persistent service"],
      [6, "'-L' does not change rules and is not allowed in a rule set"],
      [7, "illegal real server address[:port] specified (host and port names are not resolved: use numeric addresses and ports)"],
    ]);
  });
});

describe("ipvsadm sort", () => {
  it("glibcMergeSort equals a stable sort for consistent comparators", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ k: fc.integer({ min: 0, max: 20 }), i: fc.nat() })), (xs) => {
        const cmp = (a: { k: number }, b: { k: number }) => a.k - b.k;
        expect(glibcMergeSort(xs, cmp)).toEqual([...xs].sort(cmp));
      }),
    );
  });

  it("is numeric when no address difference reaches 2^31", () => {
    const low = fc.tuple(fc.integer({ min: 0, max: 127 }), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join("."));
    fc.assert(
      fc.property(fc.array(fc.record({ address: low, port: fc.integer({ min: 0, max: 65535 }) })), (keys) => {
        const svcs = keys.map((k) => ({ key: { protocol: "tcp" as const, ...k } }));
        const num = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
        const sorted = sortServicesLikeIpvsadm(svcs).map((s) => [num(s.key.address), s.key.port]);
        const expected = [...sorted].sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!);
        expect(sorted).toEqual(expected);
      }),
    );
  });

  it("reproduces the signed-subtraction order observed with ipvsadm (reference 0.10)", () => {
    const observed = ["172.16.0.1", "192.168.0.1", "1.1.1.1", "10.0.0.100", "127.0.0.5", "200.1.1.1"];
    const key = (address: string) => ({ protocol: "tcp" as const, address, port: 80 });
    for (let i = 0; i + 1 < observed.length; i++)
      expect(compareServiceKeys(key(observed[i]!), key(observed[i + 1]!))).toBeLessThan(0);
    // and a plainly numeric pair still compares numerically
    expect(compareServiceKeys(key("1.1.1.1"), key("10.0.0.100"))).toBeLessThan(0);
    expect(compareServiceKeys(key("10.0.0.100"), key("172.16.0.1"))).toBeGreaterThan(0);
  });
});

describe("canonicalAddress", () => {
  it("matches the WHATWG IPv6 serializer except for dotted IPv4 tails", () => {
    fc.assert(
      fc.property(fc.ipV6(), (a) => {
        const ours = canonicalAddress(a);
        fc.pre(!ours.includes("."));
        expect(ours).toBe(new URL(`http://[${a}]/`).hostname.slice(1, -1));
      }),
      { numRuns: 3000 },
    );
  });
  it("prints IPv4-mapped and -compatible addresses like glibc", () => {
    expect(canonicalAddress("0:0:0:0:0:ffff:0102:0304")).toBe("::ffff:1.2.3.4");
    expect(canonicalAddress("::0102:0304")).toBe("::1.2.3.4");
    expect(canonicalAddress("::1")).toBe("::1");
    expect(canonicalAddress("2001:DB8:0:0:1:0:0:1")).toBe("2001:db8::1:0:0:1");
  });
});
