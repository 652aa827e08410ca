// The HA manager through a real agent WebSocket server (ha.* handlers): a spec is validated
// before anything is written, keepalived is started then reloaded, notify_fifo lines (written to
// the real FIFO) become states and transitions, the sync daemons follow (FakeIpvs), a dead
// keepalived is pushed to subscribers, and null stops it all.
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HaManager, haHandlers } from "@/agent/ha/index.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { HaSpec, type HaSpecInput, type HaStatus } from "@/protocol/ha.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";
import { FakeRunner, fakeConfigTest, fakeIp } from "./ha-fakes.ts";

const SPEC: HaSpecInput = {
  instances: [{ name: "VI_1", interface: "br0", virtualRouterId: 51, priority: 150, virtualIpAddresses: [{ address: "172.16.0.150" }] }],
  sync: { interface: "br0", syncId: 7 },
};

let dir: string;
let h: Harness;
let runner: FakeRunner;
let ipvs: FakeIpvs;
let ip: ReturnType<typeof fakeIp>;
let ha: HaManager;

function setup(keepalivedBin: string) {
  runner = new FakeRunner(join(dir, "keepalived.conf"));
  ipvs = new FakeIpvs();
  ip = fakeIp([{ ifname: "br0", addrs: [{ family: "inet", local: "172.16.0.1", prefixlen: 24 }] }]);
  ha = new HaManager({ ipvs, runIp: ip.run, runner, keepalivedBin, dir, specFile: join(dir, "ha-spec.json"), defaultRouterId: "dir1" });
}

function writeFifo(text: string): void {
  const fd = openSync(ha.fifoPath, "w");
  writeSync(fd, text);
  closeSync(fd);
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "ha-manager-"));
  setup(fakeConfigTest(dir));
  h = await startHarness({ registry: new HandlerRegistry().use(haHandlers(ha)) });
});
afterEach(async () => {
  await ha.shutdown();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("ha.* over the agent's WebSocket", () => {
  it("configures, follows the fifo, switches sync daemons, and stops on null", async () => {
    const c = await h.client();
    expect(await c.request("ha.get", {})).toMatchObject({ configured: false, spec: null, keepalived: null, instances: [] });
    const events: HaStatus[] = [];
    await c.subscribe("ha.subscribe", {}, (s) => events.push(s));
    const s = await c.request("ha.configure", { spec: SPEC });
    expect(s).toMatchObject({ configured: true, instances: [{ name: "VI_1", state: "UNKNOWN", vips: ["172.16.0.150/32"], vipsHeld: [] }] });
    expect(runner.calls).toEqual(["start"]);
    const conf = readFileSync(runner.configFile, "utf8");
    expect(conf).toContain("virtual_router_id 51");
    expect(conf).toContain(`notify_fifo ${ha.fifoPath}`);
    expect(statSync(runner.configFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, "ha-spec.json"), "utf8"))).toMatchObject({ instances: [{ name: "VI_1" }] });

    writeFifo('INSTANCE "VI_1" BACKUP 150\n');
    let st = await until(() => c.request("ha.get", {}), (x) => x.instances[0]!.state === "BACKUP");
    expect(st.sync).toMatchObject({ wanted: "backup", daemons: [{ state: "backup", mcastInterface: "br0", syncId: 7 }], error: null });

    // keepalived adds the VIP and says MASTER: the backup daemon goes, the master one comes
    ip.links[0]!.addrs.push({ family: "inet", local: "172.16.0.150", prefixlen: 32 });
    writeFifo('GROUP "X" MASTER\nINSTANCE "VI_1" MASTER 150\n');
    st = await until(() => c.request("ha.get", {}), (x) => x.instances[0]!.state === "MASTER");
    expect(st.instances[0]).toMatchObject({ state: "MASTER", vipsHeld: ["172.16.0.150/32"] });
    expect(st.instances[0]!.since).toBeTypeOf("number");
    expect(ipvs.daemons).toEqual([{ state: "master", mcastInterface: "br0", syncId: 7 }]);
    expect(st.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(["UNKNOWN>BACKUP", "BACKUP>MASTER"]);
    await until(async () => events.length, () => events.some((e) => e.instances[0]?.state === "MASTER"));
    expect(events.some((e) => e.instances[0]?.state === "MASTER")).toBe(true);

    // the same spec again is a reload, not a second keepalived
    await c.request("ha.configure", { spec: SPEC });
    expect(runner.calls).toEqual(["start", "reload"]);

    // killed from outside: reported (pushed), states STOP, sync daemons stopped, not restarted
    const before = events.length;
    runner.die("keepalived was killed by SIGKILL; it is not restarted until the next ha.configure");
    await until(async () => events.length, (n) => n > before);
    const dead = events.at(-1)!;
    expect(dead.keepalived).toMatchObject({ running: false, error: expect.stringMatching(/SIGKILL/), logTail: ["fake log line"] });
    expect(dead.instances[0]!.state).toBe("STOP");
    expect(ipvs.daemons).toEqual([]);
    expect(runner.calls).toEqual(["start", "reload"]);
    // a repeated configure starts it again
    await c.request("ha.configure", { spec: SPEC });
    expect(runner.calls).toEqual(["start", "reload", "start"]);

    const off = await c.request("ha.configure", { spec: null });
    expect(off).toMatchObject({ configured: false, instances: [], sync: null });
    expect(runner.calls.at(-1)).toBe("stop");
    expect(readFileSync(join(dir, "ha-spec.json"), "utf8").trim()).toBe("null");
  });

  it("refuses a bad spec with every problem named and writes nothing", async () => {
    const c = await h.client();
    const bad: HaSpecInput = {
      instances: [
        { name: "VI_1", interface: "br0", virtualRouterId: 51, priority: 150, virtualIpAddresses: [{ address: "192.0.2.1" }] },
        { name: "VI_2", interface: "br0", virtualRouterId: 51, priority: 150, virtualIpAddresses: [{ address: "172.16.0.151" }] },
      ],
      sync: null,
    };
    const err = await c.request("ha.configure", { spec: bad }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "bad_request", message: expect.stringMatching(/VI_1: virtualIpAddresses\[0\].*VI_2: virtualRouterId: 51 is already used on br0/) });
    expect((err as { details: { problems: unknown[] } }).details.problems).toHaveLength(2);
    const prio = await c.request("ha.configure", { spec: { ...SPEC, instances: [{ ...SPEC.instances[0]!, priority: 0 }] } }).catch((e: unknown) => e);
    expect(prio).toMatchObject({ code: "bad_request" });
    expect(existsSync(runner.configFile)).toBe(false);
    expect(existsSync(join(dir, "ha-spec.json"))).toBe(false);
    expect(runner.calls).toEqual([]);
  });

  it("a config keepalived -t complains about is not written, and the complaint is reported", async () => {
    await ha.shutdown();
    setup(fakeConfigTest(dir, "(keepalived.conf: Line 9) Unknown keyword 'bogus'", 0));
    const err = await ha.configure(HaSpec.parse(SPEC)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "internal", message: expect.stringMatching(/Unknown keyword 'bogus'/) });
    expect(existsSync(runner.configFile)).toBe(false);
    expect(runner.calls).toEqual([]);
  });
});
