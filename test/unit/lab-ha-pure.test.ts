// The ha topology's pure parts: each director's HaSpec, the lab's fallback keepalived.conf, and
// the ha namespaces resolving to the one guest.
import { describe, expect, it } from "vitest";
import { resolveTarget } from "@/lab/api.ts";
import { fallbackKeepalivedConf, HA_VIPS, haNamespaces, haSpec } from "@/lab/ha.ts";
import type { LabState } from "@/lab/state.ts";
import { HaSpec } from "@/protocol/ha.ts";

describe("lab ha topology", () => {
  it("each director's spec is a valid HaSpec: same VRID and VIPs, dir1 MASTER by priority", () => {
    const [a, b] = ["dir1", "dir2"].map((d) => HaSpec.parse(haSpec(d)));
    expect(a!.instances[0]!.virtualRouterId).toBe(b!.instances[0]!.virtualRouterId);
    expect(a!.instances[0]!.priority).toBeGreaterThan(b!.instances[0]!.priority);
    expect(a!.instances[0]!.virtualIpAddresses.map((v) => v.address)).toEqual(HA_VIPS);
    expect(a!.sync).toEqual(b!.sync);
  });

  it("nopreempt specs start as BACKUP (keepalived ignores nopreempt otherwise)", () => {
    for (const d of ["dir1", "dir2"]) {
      const i = HaSpec.parse(haSpec(d, { preempt: false })).instances[0]!;
      expect(i.preempt).toBe(false);
      expect(i.initialState).toBe("BACKUP");
    }
  });

  it("the fallback keepalived.conf puts lvs_sync_daemon in global_defs and nopreempt in the instance", () => {
    const conf = fallbackKeepalivedConf("dir2", HaSpec.parse(haSpec("dir2", { preempt: false })));
    const global = conf.slice(0, conf.indexOf("vrrp_instance"));
    expect(global).toContain("lvs_sync_daemon eth1 VI_LAB id 1");
    expect(conf.slice(conf.indexOf("vrrp_instance"))).toContain("nopreempt");
    for (const v of HA_VIPS) expect(conf).toContain(`${v}/32 dev eth1`);
  });

  it("lan, client1 and rs1..rsR resolve to the guest", () => {
    const s = { guests: [{ name: "g1" }], directors: [{ name: "dir1", guest: "g1" }, { name: "dir2", guest: "g1" }], namespaces: haNamespaces(3) } as unknown as LabState;
    expect(resolveTarget(s, "rs3")).toEqual({ guest: "g1", netns: "rs3" });
    expect(resolveTarget(s, "client1")).toEqual({ guest: "g1", netns: "client1" });
    expect(resolveTarget(s, "dir2")).toEqual({ guest: "g1", netns: "dir2" });
    expect(() => resolveTarget(s, "rs4")).toThrow(/no director or guest/);
  });
});
