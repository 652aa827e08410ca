// The group page's pure rules: what a refused group-wide change says (which member refused,
// where it was rolled back, a failed rollback), the HA status notes, and when the drift detail
// is fetched again (the live summary of a member changed).
import { describe, expect, it } from "vitest";
import { groupRefusalLines, isGroupVersionConflict } from "@/components/ha/group-errors.ts";
import { haStatusNote } from "@/components/ha/vrrp-state.ts";
import { driftSignature } from "@/components/hooks/use-group-drift.ts";
import { HaLinkStatus } from "@/protocol/dashboard/index.ts";

describe("groupRefusalLines", () => {
  const refusal = {
    group: "ha-pair",
    member: "dir2",
    error: { code: "kernel_error", message: "File exists (EEXIST)" },
    rolledBack: ["dir1"],
    rollbackErrors: [],
  };

  it("names the member that refused, its error, and where the change was rolled back", () => {
    expect(groupRefusalLines(refusal)).toEqual([
      "dir2 refused: kernel_error: File exists (EEXIST)",
      "Rolled back on dir1; the group's table is unchanged.",
    ]);
  });

  it("says when nothing else had been changed, and names a rollback that failed", () => {
    expect(groupRefusalLines({ ...refusal, rolledBack: [] })?.[1]).toBe("No other member had been changed; the group's table is unchanged.");
    const lines = groupRefusalLines({ ...refusal, rollbackErrors: [{ director: "dir1", message: "link lost" }] });
    expect(lines?.[2]).toBe("Rollback failed on dir1: link lost (it now differs from the group: see its drift)");
  });

  it("is null for other details (a director's version conflict, none, garbage)", () => {
    for (const d of [undefined, null, "x", { director: "dir1", baseVersion: "a", version: "b" }, { ...refusal, member: 7 }]) {
      expect(groupRefusalLines(d)).toBeNull();
    }
  });

  it("tells a group version conflict from other details", () => {
    expect(isGroupVersionConflict(refusal)).toBe(false);
    expect(isGroupVersionConflict({ group: "g", baseVersion: "a", version: "b", state: { group: { name: "g", members: {}, desired: null, master: null, splitBrain: false, vipOwners: {}, drifted: [] }, desired: null } })).toBe(true);
  });
});

describe("haStatusNote", () => {
  it("has a note for every status without live instances, none for an active one", () => {
    for (const s of HaLinkStatus.options) {
      const note = haStatusNote(s, null);
      if (s === "active") expect(note).toBeNull();
      else expect(note, s).toMatch(/\w{4}/);
    }
    expect(haStatusNote("error", "ha.subscribe timed out")).toContain("ha.subscribe timed out");
  });
});

describe("driftSignature", () => {
  const member = (director: string, over: object = {}) => ({
    director,
    online: true,
    vrrp: "MASTER" as const,
    haStatus: "active" as const,
    vipsHeld: [],
    version: "v1",
    drift: "in_sync" as const,
    changes: 0,
    driftSince: null,
    ...over,
  });
  const desired = { version: "d1", source: "changed" as const, from: null, updatedAt: 0, serviceCount: 1, destinationCount: 2 };
  const group = (members: ReturnType<typeof member>[]) => ({ desired, members: Object.fromEntries(members.map((m) => [m.director, m])) });

  it("is empty without a group, and the same for the same members in any order", () => {
    expect(driftSignature(undefined)).toBe("");
    expect(driftSignature(group([member("dir1"), member("dir2")]))).toBe(driftSignature(group([member("dir2"), member("dir1")])));
  });

  it("changes with a member's table version, drift, change count or link, and the desired version", () => {
    const base = driftSignature(group([member("dir1"), member("dir2")]));
    for (const over of [{ version: "v2" }, { drift: "drifted" }, { changes: 3 }, { online: false }]) {
      expect(driftSignature(group([member("dir1"), member("dir2", over)])), JSON.stringify(over)).not.toBe(base);
    }
    expect(driftSignature({ ...group([member("dir1"), member("dir2")]), desired: { ...desired, version: "d2" } })).not.toBe(base);
    // the VRRP role alone does not make the drift stale
    expect(driftSignature(group([member("dir1"), member("dir2", { vrrp: "BACKUP" })]))).toBe(base);
  });
});
