// The two keepalived runners without a real keepalived: managed mode spawns a stand-in script
// (prints like keepalived, records the signals it gets), systemd mode runs fake `systemctl` and
// `journalctl` found first on PATH (they record their argv and answer from a state file).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ManagedKeepalived } from "@/agent/ha/managed.ts";
import { SystemdKeepalived, parseSystemctlShow } from "@/agent/ha/systemd.ts";

const dir = mkdtempSync(join(tmpdir(), "ha-supervisor-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

const until = async (ok: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return ok();
};

async function untilAsync<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("ManagedKeepalived", () => {
  const sigLog = join(dir, "signals");
  // a keepalived stand-in: logs its argv, counts SIGHUPs, exits 0 on SIGTERM
  const fake = script(
    "fake-keepalived",
    `echo "Starting Keepalived v2.2.7 $*"
trap 'echo HUP >> ${sigLog}; echo "Reloading"' HUP
trap 'echo TERM >> ${sigLog}; echo "Stopped"; exit 0' TERM
while :; do sleep 0.05; done`,
  );
  let k: ManagedKeepalived | undefined;
  afterEach(async () => {
    await k?.stop();
  });

  it("starts with 2.2.7's options, reloads with SIGHUP, stops with SIGTERM, keeps the log tail", async () => {
    writeFileSync(sigLog, "");
    k = new ManagedKeepalived({ bin: fake, dir });
    await k.apply();
    const s = await k.status();
    expect(s).toMatchObject({ mode: "managed", running: true, error: null, configFile: join(dir, "keepalived.conf") });
    expect(s.pid).toBeTypeOf("number");
    const tail = await untilAsync(async () => (await k!.status()).logTail.join("\n"), (t) => t.includes("Starting Keepalived"));
    expect(tail).toContain(`Starting Keepalived v2.2.7 --dont-fork --log-console --no-syslog --vrrp --use-file ${join(dir, "keepalived.conf")} --pid ${join(dir, "keepalived.pid")} --vrrp_pid ${join(dir, "vrrp.pid")}`);
    await k.apply();
    expect(await until(() => readFileSync(sigLog, "utf8").includes("HUP"))).toBe(true);
    expect((await k.status()).pid).toBe(s.pid);
    await k.stop();
    expect(readFileSync(sigLog, "utf8")).toContain("TERM");
    expect(await k.status()).toMatchObject({ running: false, pid: null, error: null });
  });

  it("reports a keepalived that dies (and does not restart it), and one that fails to start", async () => {
    k = new ManagedKeepalived({ bin: fake, dir, startGraceMs: 0 });
    let changes = 0;
    k.onChange(() => changes++);
    await k.apply();
    process.kill((await k.status()).pid!, "SIGKILL");
    expect(await until(() => changes > 0)).toBe(true);
    const s = await k.status();
    expect(s).toMatchObject({ running: false, pid: null, error: "keepalived was killed by SIGKILL; it is not restarted until the next ha.configure" });
    expect(s.logTail.at(-1)).toMatch(/killed by SIGKILL/);
    await new Promise((r) => setTimeout(r, 200));
    expect((await k.status()).running).toBe(false);

    const refusing = script("refusing-keepalived", 'echo "(keepalived.conf: Line 3) Unknown keyword \'x\'" >&2; exit 1');
    const k2 = new ManagedKeepalived({ bin: refusing, dir });
    await k2.apply();
    const s2 = await untilAsync(() => k2.status(), (x) => x.error !== null);
    expect(s2.error).toBe("keepalived failed to start: it exited with code 1");
    expect(s2.logTail.join("\n")).toContain("Unknown keyword 'x'");

    const k3 = new ManagedKeepalived({ bin: join(dir, "no-such-keepalived"), dir });
    await k3.apply();
    expect((await k3.status()).error).toMatch(/could not be started .*ENOENT/);
  });
});

describe("SystemdKeepalived with fake systemctl and journalctl on PATH", () => {
  const calls = join(dir, "systemctl.calls");
  const state = join(dir, "unit.state");
  const oldPath = process.env.PATH;
  beforeAll(() => {
    const bin = join(dir, "bin");
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(bin);
    writeFileSync(join(bin, "systemctl"), `#!/bin/sh\necho "$*" >> ${calls}\ncase "$1" in\n  show) cat ${state} ;;\n  reload-or-restart) printf 'MainPID=777\\nActiveState=active\\n' > ${state} ;;\n  stop) printf 'MainPID=0\\nActiveState=inactive\\n' > ${state} ;;\nesac\n`);
    writeFileSync(join(bin, "journalctl"), `#!/bin/sh\necho "journalctl $*"\necho "Keepalived_vrrp[777]: (VI_1) Entering MASTER STATE"\n`);
    chmodSync(join(bin, "systemctl"), 0o755);
    chmodSync(join(bin, "journalctl"), 0o755);
    process.env.PATH = `${bin}${delimiter}${oldPath}`;
  });
  afterAll(() => {
    process.env.PATH = oldPath;
  });

  it("parses systemctl show", () => {
    expect(parseSystemctlShow("MainPID=12\nActiveState=active\n")).toEqual({ mainPid: 12, activeState: "active" });
    expect(parseSystemctlShow("garbage")).toEqual({ mainPid: 0, activeState: "unknown" });
  });

  it("reload-or-restart, state from systemctl show, log from journalctl, a failed unit reported", async () => {
    writeFileSync(calls, "");
    writeFileSync(state, "MainPID=0\nActiveState=inactive\n");
    const k = new SystemdKeepalived({ configFile: "/etc/keepalived/keepalived.conf", pollMs: 50 });
    let changes = 0;
    k.onChange(() => changes++);
    await k.apply();
    const s = await k.status();
    expect(s).toMatchObject({ mode: "systemd", running: true, pid: 777, error: null, configFile: "/etc/keepalived/keepalived.conf" });
    expect(s.logTail).toEqual(["journalctl -u keepalived -n 50 --no-pager", "Keepalived_vrrp[777]: (VI_1) Entering MASTER STATE"]);
    expect(readFileSync(calls, "utf8").split("\n")).toContain("reload-or-restart keepalived");
    expect(readFileSync(calls, "utf8").split("\n")).toContain("show -p MainPID,ActiveState keepalived");
    // the unit dies: the poll notices and status says so
    const before = changes;
    writeFileSync(state, "MainPID=0\nActiveState=failed\n");
    expect(await until(() => changes > before)).toBe(true);
    expect((await k.status()).error).toBe("keepalived is failed (MainPID 0); it is not restarted until the next ha.configure");
    await k.stop();
    expect(readFileSync(calls, "utf8").split("\n")).toContain("stop keepalived");
    expect(await k.status()).toMatchObject({ running: false, error: null });
  });
});
