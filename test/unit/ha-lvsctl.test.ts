// lvsctl --ha against real agent WebSocket servers on port 0 whose ha.get is a fake (a pair:
// one MASTER holding the VIPs, one BACKUP), run as the real CLI process.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatHaStatus, parseHaArgs, tokenFileFor } from "@/cli/ha.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import type { HaStatus } from "@/protocol/ha.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";

const NOW = Date.parse("2026-12-02T01:00:00Z");
function member(state: "MASTER" | "BACKUP", held: string[]): HaStatus {
  return {
    configured: true,
    spec: null,
    keepalived: { mode: "managed", running: true, pid: state === "MASTER" ? 410 : 411, configFile: "/x/keepalived.conf", startedAt: NOW - 60_000, error: null, logTail: [] },
    instances: [
      { name: "VI_EXT", interface: "br0", virtualRouterId: 51, priority: state === "MASTER" ? 150 : 100, state, since: NOW - 42_000, vips: ["172.16.0.100/32", "172.16.0.200/32"], vipsHeld: held },
    ],
    transitions: [],
    sync: { wanted: state === "MASTER" ? "master" : "backup", daemons: [{ state: state === "MASTER" ? "master" : "backup", mcastInterface: "br0", syncId: 7 }], error: null },
    time: NOW,
  };
}
const MASTER = member("MASTER", ["172.16.0.100/32", "172.16.0.200/32"]);
const BACKUP = member("BACKUP", []);

describe("formatHaStatus", () => {
  it("prints one ip -br style line per instance, then keepalived and sync", () => {
    expect(formatHaStatus(MASTER)).toBe(
      "VI_EXT           MASTER         172.16.0.100/32 172.16.0.200/32 (vrid 51 prio 150 on br0 for 42s)\n" +
        "keepalived       RUNNING        managed pid 410\n" +
        "sync             MASTER         master syncid 7 on br0\n",
    );
    expect(formatHaStatus(BACKUP).split("\n")[0]).toBe("VI_EXT           BACKUP         (vrid 51 prio 100 on br0 for 42s)");
    const dead: HaStatus = { ...MASTER, keepalived: { ...MASTER.keepalived!, running: false, pid: null, error: "keepalived was killed by SIGKILL" } };
    expect(formatHaStatus(dead)).toContain("keepalived       DOWN           managed: keepalived was killed by SIGKILL\n");
    expect(formatHaStatus({ ...MASTER, configured: false, instances: [], keepalived: null, sync: null })).toBe("HA not configured\n");
  });

  it("parses several --agent and --token-file", () => {
    const a = parseHaArgs(["--ha", "--agent", "ws://a:1", "--agent=ws://b:2", "--token-file", "t1", "--token-file", "t2"]);
    expect(a).toEqual({ agents: ["ws://a:1", "ws://b:2"], tokenFiles: ["t1", "t2"], rest: [] });
    expect(tokenFileFor(a, 1)).toBe("t2");
    expect(tokenFileFor({ ...a, tokenFiles: ["t"] }, 1)).toBe("t");
    expect(() => tokenFileFor({ ...a, tokenFiles: ["a", "b", "c"] }, 0)).toThrow(/one per --agent/);
    expect(parseHaArgs(["--ha"], { LVSCTL_AGENT: "ws://e", LVSCTL_TOKEN_FILE: "f" })).toEqual({ agents: ["ws://e"], tokenFiles: ["f"], rest: [] });
    expect(parseHaArgs(["--ha", "-Ln"]).rest).toEqual(["-Ln"]);
  });
});

describe("lvsctl --ha, the real CLI against two agents", () => {
  let dir: string;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ha-lvsctl-"));
    writeFileSync(join(dir, "token"), `${TOKEN}\n`);
    chmodSync(join(dir, "token"), 0o600);
    a = await startHarness({ registry: new HandlerRegistry().use({ "ha.get": async () => MASTER }) });
    b = await startHarness({ registry: new HandlerRegistry().use({ "ha.get": async () => BACKUP }) });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lvsctl = (...args: string[]) =>
    new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, ["--import", "tsx", "cli/lvsctl.ts", ...args], { timeout: 30_000 }, (e, out, err) =>
        resolve({ code: e ? ((e as { code?: number }).code ?? -1) : 0, out: String(out), err: String(err) }),
      );
    });

  it("prints each member under its own header", async () => {
    const r = await lvsctl("--ha", "--agent", a.server.url, "--agent", b.server.url, "--token-file", join(dir, "token"));
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const out = r.out.split("\n");
    expect(out[0]).toBe(`# ${a.server.url}`);
    expect(out[1]).toMatch(/^VI_EXT {11}MASTER {9}172\.16\.0\.100\/32 172\.16\.0\.200\/32 \(vrid 51 prio 150 on br0 for \d+[smh]\)$/);
    expect(out).toContain(`# ${b.server.url}`);
    expect(out.find((l) => l.startsWith("VI_EXT           BACKUP "))).toBeDefined();
    expect(out).toContain("sync             BACKUP         backup syncid 7 on br0");
  }, 40_000);

  it("a member that cannot be reached is printed as an error and the exit status is 255", async () => {
    const r = await lvsctl("--ha", "--agent", a.server.url, "--agent", "ws://127.0.0.1:1", "--token-file", join(dir, "token"));
    expect(r.code).toBe(255);
    expect(r.out).toContain("# ws://127.0.0.1:1\nerror: ");
    expect(r.out).toContain("VI_EXT           MASTER");
  }, 40_000);
});
