// VRRP state badges (every state its own colour, glyph and word), VIP ownership (who holds each VIP; none or two is a problem) and keepalived's health line.
import { describe, expect, it } from "vitest";
import { keepalivedProblem } from "@/components/ha/keepalived-health.ts";
import { lastChange, vipOwnership, vrrpBadge } from "@/components/ha/vrrp-state.ts";
import { VrrpState } from "@/protocol/ha.ts";

const STATES = VrrpState.options;

describe("vrrpBadge", () => {
  it("gives every state its word, a glyph and a colour no other state has", () => {
    expect(STATES).toEqual(["MASTER", "BACKUP", "FAULT", "STOP", "UNKNOWN"]);
    const badges = STATES.map((s) => vrrpBadge(s));
    for (const [i, b] of badges.entries()) {
      expect(b.label).toBe(STATES[i]);
      expect(b.description.length).toBeGreaterThan(10);
    }
    expect(new Set(badges.map((b) => b.glyph)).size).toBe(STATES.length);
    // the colour family (emerald, sky, ...) of the light background differs per state
    const family = (c: string) => /bg-([a-z]+)-/.exec(c)?.[1];
    expect(new Set(badges.map((b) => family(b.className))).size).toBe(STATES.length);
    // both themes are styled
    for (const b of badges) expect(b.className).toMatch(/dark:bg-/);
  });

  it("shows UNKNOWN for a missing state and for a word it does not know", () => {
    expect(vrrpBadge(undefined).label).toBe("UNKNOWN");
    expect(vrrpBadge(null).label).toBe("UNKNOWN");
    const odd = vrrpBadge("DELETED" as never);
    expect(odd.label).toBe("DELETED");
    expect(odd.glyph).toBe(vrrpBadge("UNKNOWN").glyph);
  });
});

describe("vipOwnership", () => {
  const vips = ["172.16.0.100/32", "172.16.0.200/32", "10.0.0.1/32"];
  it("names the member holding each VIP, in configuration order", () => {
    const own = vipOwnership([
      { member: "dir1", instances: [{ vips, vipsHeld: [] }] },
      { member: "dir2", instances: [{ vips, vipsHeld: [...vips].reverse() }] },
    ]);
    expect(own).toEqual(vips.map((vip) => ({ vip, holders: ["dir2"], problem: null })));
  });

  it("flags a VIP nobody holds and one held by both members (split brain)", () => {
    const own = vipOwnership([
      { member: "dir1", instances: [{ vips, vipsHeld: ["172.16.0.100/32"] }] },
      { member: "dir2", instances: [{ vips, vipsHeld: ["172.16.0.100/32", "10.0.0.1/32"] }] },
    ]);
    expect(own.map((o) => [o.vip, o.holders, o.problem])).toEqual([
      ["172.16.0.100/32", ["dir1", "dir2"], "split"],
      ["172.16.0.200/32", [], "unheld"],
      ["10.0.0.1/32", ["dir2"], null],
    ]);
  });

  it("lists a held VIP that no instance configures (the kernel has it anyway)", () => {
    expect(vipOwnership([{ member: "dir1", instances: [{ vips: [], vipsHeld: ["10.9.9.9/32"] }] }])).toEqual([
      { vip: "10.9.9.9/32", holders: ["dir1"], problem: null },
    ]);
  });
});

describe("lastChange", () => {
  it("is the newest since of the instances, null when none has one", () => {
    expect(lastChange([])).toBeNull();
    expect(lastChange([{ since: null }])).toBeNull();
    expect(lastChange([{ since: 5 }, { since: null }, { since: 9 }, { since: 7 }])).toBe(9);
  });
});

describe("keepalivedProblem", () => {
  it("says nothing for a running keepalived or a member without HA", () => {
    expect(keepalivedProblem(null)).toBeNull();
    expect(keepalivedProblem(undefined)).toBeNull();
    expect(keepalivedProblem({ running: true, error: null })).toBeNull();
  });

  it("says not running, with the agent's reason when it has one", () => {
    expect(keepalivedProblem({ running: false, error: null })).toBe("not running");
    expect(keepalivedProblem({ running: false, error: "exited with code 1" })).toBe("not running: exited with code 1");
    expect(keepalivedProblem({ running: true, error: "config reload refused" })).toBe("config reload refused");
    // a live view without the nullable field (merge patches drop nulls)
    expect(keepalivedProblem({ running: false } as never)).toBe("not running");
  });
});
