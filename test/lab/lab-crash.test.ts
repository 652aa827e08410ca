// `down` must stop what `up` started even when the CLI that ran `up` was killed mid-boot:
// the state (guest pids, ports) is in the cache folder from the moment QEMU starts.
import { spawn, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isAlive } from "@/lab/guest.ts";
import { REPO_ROOT } from "@/lab/paths.ts";
import { readState } from "@/lab/state.ts";

describe("lab after a crash of the CLI", () => {
  it("down stops the guests of a killed `up`", async () => {
    const instance = `crash-${process.pid}`;
    const cli = spawn("npx", ["tsx", "lab/cli.ts", "up", "--no-agent", "--instance", instance], { cwd: REPO_ROOT, detached: true, stdio: "ignore" });
    let pid: number | undefined;
    const deadline = Date.now() + 60_000;
    while (!pid && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      pid = readState(instance)?.guests[0]?.pid;
    }
    expect(pid).toBeGreaterThan(0);
    process.kill(-cli.pid!, "SIGKILL");
    await new Promise((r) => setTimeout(r, 500));
    expect(isAlive(pid)).toBe(true); // the guest outlives the CLI...

    const down = spawnSync("npx", ["tsx", "lab/cli.ts", "down", "--instance", instance], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(down.status).toBe(0);
    expect(down.stdout).toContain("stopped 1 guest(s)");
    expect(isAlive(pid)).toBe(false); // ...and `down` still finds and stops it

    const status = spawnSync("npx", ["tsx", "lab/cli.ts", "status", "--instance", instance], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/^g1 {2}pid - {2}DOWN/m);
  });
});
