import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { guestMemoryMb, resolveTarget } from "@/lab/api.ts";
import { defaultRules, defaultTargets } from "@/lab/directors.ts";
import { ensurePackages } from "@/lab/fetch.ts";
import { type GuestRecord, waitForControl } from "@/lab/guest.ts";
import { instanceDir } from "@/lab/paths.ts";
import type { LabState } from "@/lab/state.ts";

const state = {
  instance: "t",
  guests: [{ name: "g1" }, { name: "g2" }],
  directors: [
    { name: "dir1", guest: "g1" },
    { name: "dir2", guest: "g1" },
    { name: "dir3", guest: "g2" },
    { name: "dir13", guest: "g2" },
  ],
} as unknown as LabState;

describe("lab (pure parts)", () => {
  it("resolves directors, their namespaces and guests", () => {
    expect(resolveTarget(state, "dir1")).toEqual({ guest: "g1", netns: "dir1" });
    expect(resolveTarget(state, "dir1-c")).toEqual({ guest: "g1", netns: "dir1-c" });
    expect(resolveTarget(state, "dir3-rs2")).toEqual({ guest: "g2", netns: "dir3-rs2" });
    expect(resolveTarget(state, "dir13")).toEqual({ guest: "g2", netns: "dir13" });
    expect(resolveTarget(state, "g2")).toEqual({ guest: "g2" });
    expect(() => resolveTarget(state, "dir4")).toThrow(/no director or guest named "dir4"/);
  });

  it("default rules per topology are what ipvsadm -R takes", () => {
    expect(defaultRules("nat", 2)).toBe(
      "-A -t 172.16.0.100:80 -s rr\n-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 1\n-a -t 172.16.0.100:80 -r 10.0.0.12:80 -m -w 1\n",
    );
    expect(defaultRules("dr", 1)).toBe("-A -t 172.16.0.200:80 -s rr\n-a -t 172.16.0.200:80 -r 10.0.0.11:80 -g -w 1\n");
    expect(defaultRules("mixed", 3).split("\n").filter(Boolean)).toHaveLength(8);
    expect(defaultTargets("mixed")).toEqual(["172.16.0.100:80", "172.16.0.200:80"]);
  });

  it("refuses instance names that could escape the cache folder", () => {
    expect(() => instanceDir("../x")).toThrow(/invalid lab instance name/);
    expect(() => instanceDir("")).toThrow(/invalid lab instance name/);
    expect(instanceDir("test-123")).toMatch(/instances\/test-123$/);
  });

  it("sizes guest memory by directors", () => {
    expect(guestMemoryMb(1)).toBe(1024);
    expect(guestMemoryMb(25)).toBe(512 + 256 * 25);
  });
});

describe("lab robustness", () => {
  it("without root, missing packages give the exact command and install nothing", () => {
    const logs: string[] = [];
    expect(() => ensurePackages((l) => logs.push(l), { missing: ["ipvsadm", "cpio"], root: false })).toThrow(
      "Run as root:\n  apt-get update && apt-get install -y ipvsadm cpio",
    );
    expect(logs).toEqual([]);
    expect(() => ensurePackages((l) => logs.push(l), { missing: [], root: false })).not.toThrow();
  });

  it("a guest whose QEMU is gone is reported with its console, not waited on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lab-guest-"));
    writeFileSync(join(dir, "console.log"), "lab-init: stage 1\nKernel panic - not syncing: test\n");
    const g: GuestRecord = { name: "g9", memoryMb: 1024, controlPort: 1, agentPorts: [], dir, pid: process.pid };
    const t0 = Date.now();
    await expect(waitForControl(g, "t", 60_000)).rejects.toThrow(/guest g9 died while booting[\s\S]*Kernel panic - not syncing: test/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});
