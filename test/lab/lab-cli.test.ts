// The lab CLI as an operator (and CI) uses it: status, exec with exit codes, traffic.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "@/lab/paths.ts";
import { director, ipvsadm, labInstance, resetRules } from "./lab.ts";

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync("npx", ["tsx", "lab/cli.ts", "--instance", labInstance(), ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npm run lab", () => {
  it("status shows the guest and its directors", () => {
    const r = cli("status");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^g1 {2}pid \d+ {2}up/m);
    expect(r.stdout).toContain("dir1");
    expect(r.stdout).toContain("dir2");
  });

  it("exec returns the command's output and exit code", () => {
    const r = cli("exec", "dir1", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("out\n");
    expect(r.stderr).toContain("err\n");
  });

  it("exec of an unknown director is a clear error", () => {
    const r = cli("exec", "nope", "--", "true");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no director or guest named "nope"');
  });

  it("each director is its own IPVS table", async () => {
    await resetRules(director(1).name);
    await ipvsadm(director(2).name, "-C");
    expect(await ipvsadm(director(1).name, "-S", "-n")).toContain("-A -t 172.16.0.100:80 -s rr");
    expect(await ipvsadm(director(2).name, "-S", "-n")).toBe("");
    await resetRules(director(2).name);
  });

  it("traffic makes the counters move, and rate 0 stops it", async () => {
    const d = director(2).name;
    await resetRules(d);
    expect(cli("traffic", d, "--rate", "10").code).toBe(0);
    const conns = async () => Number(/^TCP {2}172\.16\.0\.100:80\s+(\d+)/m.exec(await ipvsadm(d, "-Ln", "--stats", "--exact"))?.[1]);
    const deadline = Date.now() + 30_000;
    while ((await conns()) < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    expect(await conns()).toBeGreaterThanOrEqual(5);
    expect(cli("traffic", d, "--rate", "0").code).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    const stopped = await conns();
    await new Promise((r) => setTimeout(r, 3000));
    expect(await conns()).toBe(stopped);
  });
});
