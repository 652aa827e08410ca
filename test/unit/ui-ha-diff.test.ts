// A member's drift as ipvsadm -S -n lines (the server's diff member -> group): "-" lines only
// the member has, "+" lines only the group's table has, and a "-"/"+" pair defining the same
// rule shown as one changed rule; properties over random tables.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { countDrift, driftRows, parseDiffLine, ruleKey } from "@/components/ha/save-diff.ts";

describe("ruleKey", () => {
  it("names the service of -A and the service plus real server of -a", () => {
    expect(ruleKey("-A -t 172.16.0.100:80 -s wlc -p 300")).toBe("-A -t 172.16.0.100:80");
    expect(ruleKey("-a -f 7 -r 10.0.0.11:0 -g -w 3")).toBe("-a -f 7 -r 10.0.0.11:0");
    expect(ruleKey("ipvsadm -a -t [2001:db8::1]:80 -r [2001:db8::11]:80 -m -w 1")).toBe("-a -t [2001:db8::1]:80 -r [2001:db8::11]:80");
  });

  it("is null for anything that is not a rule", () => {
    for (const l of ["", "# comment", "-C", "-a -t 1.2.3.4:80", "--set 1 2 3"]) expect(ruleKey(l), l).toBeNull();
  });
});

describe("parseDiffLine", () => {
  it("reads the markers; a removed rule is '--A', not a file header", () => {
    expect(parseDiffLine("--A -t 1.2.3.4:80 -s rr")).toEqual({ kind: "extra", text: "-A -t 1.2.3.4:80 -s rr" });
    expect(parseDiffLine("+-a -t 1.2.3.4:80 -r 10.0.0.1:80 -m -w 1")).toEqual({ kind: "missing", text: "-a -t 1.2.3.4:80 -r 10.0.0.1:80 -m -w 1" });
    expect(parseDiffLine(" -A -t 1.2.3.4:80 -s rr")).toEqual({ kind: "same", text: "-A -t 1.2.3.4:80 -s rr" });
    for (const l of ["@@ -1,3 +1,3 @@", "--- dir2", "+++ group"]) expect(parseDiffLine(l), l).toBeNull();
  });
});

describe("driftRows", () => {
  it("is empty for a member in sync", () => {
    expect(driftRows([])).toEqual([]);
    expect(countDrift([])).toEqual({ extra: 0, missing: 0, changed: 0 });
  });

  it("shows a weight edited by hand as one changed rule with both lines", () => {
    const rows = driftRows(["--a -t 172.16.0.100:80 -r 10.0.0.12:80 -m -w 5", "+-a -t 172.16.0.100:80 -r 10.0.0.12:80 -m -w 1"]);
    expect(rows).toEqual([{ kind: "changed", line: "-a -t 172.16.0.100:80 -r 10.0.0.12:80 -m -w 5", expected: "-a -t 172.16.0.100:80 -r 10.0.0.12:80 -m -w 1" }]);
    // the other order pairs the same way
    expect(driftRows(["+-A -t 1.2.3.4:80 -s rr", "--A -t 1.2.3.4:80 -s wlc"])).toEqual([{ kind: "changed", line: "-A -t 1.2.3.4:80 -s wlc", expected: "-A -t 1.2.3.4:80 -s rr" }]);
  });

  it("keeps a rule only on the member as extra and one only in the group as missing", () => {
    const rows = driftRows([
      "--A -u 172.16.0.53:53 -s rr",
      "--a -u 172.16.0.53:53 -r 10.0.0.11:53 -g -w 1",
      "+-a -t 172.16.0.100:80 -r 10.0.0.13:80 -m -w 1",
    ]);
    expect(rows.map((r) => r.kind)).toEqual(["extra", "extra", "missing"]);
    expect(countDrift(rows)).toEqual({ extra: 2, missing: 1, changed: 0 });
  });

  it("never pairs two lines of the same side, and skips blank lines and hunks", () => {
    const rows = driftRows(["@@ -1 +1 @@", "--A -t 1.2.3.4:80 -s rr", "--A -t 1.2.3.4:80 -s rr", "-", "+"]);
    expect(rows.map((r) => r.kind)).toEqual(["extra", "extra"]);
  });

  // random tables: services 10.0.0.<s>:80, real servers 10.0.1.<r>:80 with a weight
  const table = fc.uniqueArray(
    fc.record({ s: fc.integer({ min: 1, max: 9 }), dests: fc.uniqueArray(fc.record({ r: fc.integer({ min: 1, max: 9 }), w: fc.integer({ min: 0, max: 3 }) }), { selector: (d) => d.r, maxLength: 4 }) }),
    { selector: (x) => x.s, maxLength: 4 },
  );
  const render = (t: { s: number; dests: { r: number; w: number }[] }[]) =>
    t.flatMap((x) => [`-A -t 10.0.0.${x.s}:80 -s wlc`, ...x.dests.map((d) => `-a -t 10.0.0.${x.s}:80 -r 10.0.1.${d.r}:80 -m -w ${d.w}`)]);
  // the server's diff as MemberDrift describes it: "-" only in the member, "+" only in the group
  const serverDiff = (member: string[], group: string[]) => [
    ...member.filter((l) => !group.includes(l)).map((l) => `-${l}`),
    ...group.filter((l) => !member.includes(l)).map((l) => `+${l}`),
  ];

  it("accounts for every differing line exactly once; a changed rule has one key and two texts", () => {
    fc.assert(
      fc.property(table, table, (a, b) => {
        const member = render(a);
        const group = render(b);
        const rows = driftRows(serverDiff(member, group));
        const memberSide = rows.filter((r) => r.kind === "extra" || r.kind === "changed").map((r) => r.line);
        const groupSide = rows.filter((r) => r.kind === "missing" || r.kind === "changed").map((r) => r.expected ?? r.line);
        expect(memberSide.sort()).toEqual(member.filter((l) => !group.includes(l)).sort());
        expect(groupSide.sort()).toEqual(group.filter((l) => !member.includes(l)).sort());
        for (const r of rows) if (r.kind === "changed") {
          expect(ruleKey(r.line)).toBe(ruleKey(r.expected!));
          expect(r.line).not.toBe(r.expected);
        }
        // what stays extra or missing has no counterpart of the same rule on the other side
        const keys = (k: string) => new Set(rows.filter((r) => r.kind === k).map((r) => ruleKey(r.line)));
        for (const k of keys("extra")) expect(keys("missing").has(k)).toBe(false);
        if (member.join() === group.join()) expect(rows).toEqual([]);
      }),
    );
  });
});
