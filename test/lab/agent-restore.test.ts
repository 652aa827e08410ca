// Restart and reboot of a director with its agent: stopping and starting the agent never
// changes the kernel table, and after a guest reboot the agent's --save-file/--restore brings
// the rules back byte-identical (as `ipvsadm -S -n` and --thresholds show them).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reboot, requireState, restartAgent } from "@/lab/api.ts";
import { agentSaveFile, agentSysctlFile } from "@/lab/directors.ts";
import { instanceDir } from "@/lab/paths.ts";
import type { AgentClient } from "@/protocol/node/agent-client.ts";
import { clearAll, connectAgent, director, ipvsadm, labInstance, ok, quiet, resetRules } from "./lab.ts";

const RULES = `-A -t 172.16.0.100:80 -s wrr -p 300 -M 255.255.255.0
-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 3 -x 100 -y 20
-a -t 172.16.0.100:80 -r 10.0.0.12:80 -m -w 0
-A -t 172.16.0.200:80 -s sh -b sh-fallback,sh-port
-a -t 172.16.0.200:80 -r 10.0.0.13:80 -g -w 5
-A -u 172.16.0.100:53 -s rr -o
-a -u 172.16.0.100:53 -r 10.0.0.11:53 -m -w 1
-A -f 77 -s lc
-a -f 77 -r 10.0.0.12:0 -g -w 2
-A -t [2001:db8::1]:443 -s wlc -p 60 -M 64
-a -t [2001:db8::1]:443 -r 10.0.0.13:443 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
`;

const d = director(1);
const SYSCTL = "net.ipv4.vs.expire_quiescent_template";

/** The save file as the host sees it, through the guest's persistent 9p share. */
function hostSaveFile(): string {
  return join(instanceDir(labInstance()), d.guest, "persist", agentSaveFile(d).replace("/var/lib/lvs-lab/", ""));
}

/** The rules as ipvsadm shows them, with thresholds (not saved by -S) but without the live counts. */
async function snapshot(): Promise<string> {
  const thresholds = (await ipvsadm(d.name, "-Ln", "--thresholds"))
    .split("\n")
    .map((l) => (l.startsWith("  -> ") ? l.split(/\s+/).slice(1, 4).join(" ") : l))
    .join("\n");
  return (await ipvsadm(d.name, "-S", "-n")) + thresholds;
}

async function withAgent<T>(fn: (c: AgentClient) => Promise<T>): Promise<T> {
  const fresh = requireState(labInstance()).directors.find((x) => x.name === d.name)!;
  const c = await connectAgent(fresh);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

describe("agent restart and guest reboot", () => {
  let before = "";
  beforeAll(async () => {
    await quiet(d.name);
    await clearAll(d.name);
    const r = await withAgent((c) => c.request("rules.import", { source: { format: "ipvsadm", text: RULES }, mode: "replace" }));
    expect(r.errors).toEqual([]);
    before = await snapshot();
    expect(before).toContain("-A -f 77 -s lc");
  });
  afterAll(async () => {
    await withAgent((c) => c.request("sysctl.set", { name: SYSCTL, value: "0", persist: true }));
    await ok(d.name, ["rm", "-f", agentSysctlFile(d)]);
    // the reboot emptied every director of the guest: give them the lab's defaults again
    for (const x of requireState(labInstance()).directors.filter((y) => y.guest === d.guest)) await resetRules(x.name);
  });

  it("writes the save file after the change, in ipvsadm syntax with thresholds", async () => {
    const deadline = Date.now() + 10_000;
    while (!(existsSync(hostSaveFile()) && readFileSync(hostSaveFile(), "utf8").includes("-A -f 77")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const text = readFileSync(hostSaveFile(), "utf8");
    expect(text).toContain("-a -t 172.16.0.100:80 -r 10.0.0.11:80 -m -w 3 -x 100 -y 20");
    expect(text).toContain("--tun-type gue --tun-port 6080 --tun-csum");
  });

  it("restarting the agent leaves the kernel table untouched, even changes made while it was down", async () => {
    await restartAgent(labInstance(), d.name, { stopOnly: true });
    await ipvsadm(d.name, "-A", "-t", "172.16.0.100:8080", "-s", "rr");
    const changed = await snapshot();
    await restartAgent(labInstance(), d.name);
    expect(await snapshot()).toBe(changed);
    await ipvsadm(d.name, "-D", "-t", "172.16.0.100:8080");
    expect(await snapshot()).toBe(before);
  });

  it("after a guest reboot the agent restores the rules and its persisted sysctls byte-identical", async () => {
    // the deletion above went around the agent: make one change through it so the file is current
    await withAgent((c) => c.request("rules.import", { source: { format: "ipvsadm", text: RULES }, mode: "replace" }));
    expect(await snapshot()).toBe(before);
    // a sysctl persisted through the agent (default 0; a new namespace after the reboot starts at 0)
    await withAgent((c) => c.request("sysctl.set", { name: SYSCTL, value: "1", persist: true }));
    expect((await ok(d.name, ["sysctl", "-n", SYSCTL])).trim()).toBe("1");
    await new Promise((r) => setTimeout(r, 1000));
    await reboot(labInstance(), d.guest, () => {});
    const deadline = Date.now() + 30_000;
    while ((await ipvsadm(d.name, "-S", "-n")) === "" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await snapshot()).toBe(before);
    expect(await withAgent((c) => c.request("service.list", {}))).toHaveLength(5);
    expect((await ok(d.name, ["sysctl", "-n", SYSCTL])).trim()).toBe("1");
  });
});
