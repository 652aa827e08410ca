// HA through the agent on a real director (dir1 of the suite's mixed lab, br0 172.16.0.1/24):
// ha.configure over the agent's WebSocket runs the real keepalived 2.2.7 in dir1's namespace.
// Oracles: `ip addr` (the VIP), `ipvsadm -L --daemon` (sync daemons), pgrep (keepalived).
// Leaves dir1 as it found it: no keepalived, no VIP 172.16.0.150, no sync daemon, no files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentClient, SubscriptionHandle } from "@/protocol/node/agent-client.ts";
import type { ProtocolError } from "@/protocol/errors.ts";
import type { HaSpecInput, HaStatus } from "@/protocol/ha.ts";
import { connectAgent, director, ipvsadm, ok, run } from "./lab.ts";

const d = director(1);
const DIR = "/var/lib/lvs-agent/keepalived"; // the agent's default --keepalived-dir
const VIP = "172.16.0.150";
const SPEC: HaSpecInput = {
  instances: [
    {
      name: "VI_LAB",
      interface: "br0",
      virtualRouterId: 151,
      priority: 150,
      advertInt: 1,
      authentication: { type: "PASS", password: "labpass" },
      virtualIpAddresses: [{ address: VIP, prefix: 32 }],
    },
  ],
  sync: { interface: "br0", syncId: 42 },
};

const br0 = async () => ok(d.name, ["ip", "-o", "addr", "show", "dev", "br0"]);
const keepalivedPids = async () => (await run(d.name, ["pgrep", "-x", "keepalived"])).stdout.trim();
const confState = async () => (await run(d.name, ["sh", "-c", `sha256sum ${DIR}/keepalived.conf 2>/dev/null || echo absent`])).stdout.trim();

async function waitFor<T>(what: string, read: () => T | Promise<T>, good: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (good(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 2000)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("agent HA (keepalived VRRP + sync daemons) on a real director", () => {
  let c: AgentClient;
  let sub: SubscriptionHandle;
  const events: HaStatus[] = [];
  let dirExisted = false;

  beforeAll(async () => {
    expect(await br0()).not.toContain(`${VIP}/32`);
    expect(await keepalivedPids()).toBe("");
    dirExisted = (await run(d.name, ["test", "-d", DIR])).code === 0;
    c = await connectAgent(d);
    sub = await c.subscribe("ha.subscribe", {}, (s) => events.push(s));
  });

  afterAll(async () => {
    await c?.request("ha.configure", { spec: null }).catch(() => {});
    await sub?.unsubscribe().catch(() => {});
    c?.close();
    // whatever a failed run left behind
    await run(d.name, ["sh", "-c", `pkill -x keepalived; ip addr del ${VIP}/32 dev br0 2>/dev/null; true`]);
    for (const state of ["master", "backup"]) await run(d.name, ["ipvsadm", "--stop-daemon", state]);
    if (!dirExisted) await run(d.name, ["rm", "-rf", DIR]);
  });

  it("refuses a bad spec (VIP outside every subnet, duplicate VRID) with nothing written", async () => {
    const before = await confState();
    const bad: HaSpecInput = {
      instances: [
        { ...SPEC.instances[0]!, virtualIpAddresses: [{ address: "192.0.2.150" }] },
        { ...SPEC.instances[0]!, name: "VI_DUP", virtualIpAddresses: [{ address: "172.16.0.151" }] },
      ],
      sync: SPEC.sync,
    };
    const err = (await c.request("ha.configure", { spec: bad }).catch((e: unknown) => e)) as ProtocolError;
    expect(err.code).toBe("bad_request");
    expect(err.message).toContain("instance VI_LAB: virtualIpAddresses[0]: 192.0.2.150 is outside every subnet configured on this director's interfaces");
    expect(err.message).toContain("instance VI_DUP: virtualRouterId: 151 is already used on br0 by instance VI_LAB");
    expect(await confState()).toBe(before);
    expect(await keepalivedPids()).toBe("");
  });

  it("configure: keepalived becomes MASTER, the VIP is on br0 and the master sync daemon runs", async () => {
    const s = await c.request("ha.configure", { spec: SPEC }, { deadlineMs: 60_000 });
    expect(s.configured).toBe(true);
    expect(s.keepalived).toMatchObject({ mode: "managed", running: true, error: null, configFile: `${DIR}/keepalived.conf` });
    // alone on the segment it becomes MASTER after about 3 x advert_int
    const master = await waitFor("MASTER event", () => events.find((e) => e.instances[0]?.state === "MASTER"), (e) => e !== undefined);
    expect(master!.transitions.map((t) => t.to)).toContain("MASTER");
    await waitFor("VIP on br0", br0, (t) => t.includes(`inet ${VIP}/32`));
    const got = await waitFor("ha.get", () => c.request("ha.get", {}), (x) => x.instances[0]?.vipsHeld.length === 1);
    expect(got.instances[0]).toMatchObject({ state: "MASTER", vips: [`${VIP}/32`], vipsHeld: [`${VIP}/32`] });
    const daemons = await ipvsadm(d.name, "-L", "--daemon");
    expect(daemons).toContain("master sync daemon (mcast=br0, syncid=42");
    expect(daemons).not.toContain("backup sync daemon");
    expect(got.sync).toMatchObject({ wanted: "master", daemons: [{ state: "master", mcastInterface: "br0", syncId: 42 }], error: null });
    // the file holds the password: 0600
    expect((await ok(d.name, ["stat", "-c", "%a", `${DIR}/keepalived.conf`])).trim()).toBe("600");
  });

  it("a bad spec while running leaves keepalived and its config untouched", async () => {
    const pids = await keepalivedPids();
    const conf = await confState();
    const bad = { ...SPEC, instances: [{ ...SPEC.instances[0]!, interface: "nosuch0" }] };
    const err = (await c.request("ha.configure", { spec: bad }).catch((e: unknown) => e)) as ProtocolError;
    expect(err.code).toBe("bad_request");
    expect(err.message).toMatch(/instance VI_LAB: interface: interface nosuch0 does not exist/);
    expect(await keepalivedPids()).toBe(pids);
    expect(await confState()).toBe(conf);
    expect(await br0()).toContain(`inet ${VIP}/32`);
  });

  it("keepalived killed with SIGKILL from outside is reported with its log tail, and not restarted", async () => {
    const s = await c.request("ha.get", {});
    const pid = s.keepalived!.pid!;
    const n = events.length;
    await ok(d.name, ["kill", "-KILL", String(pid)]);
    const dead = await waitFor("death event", () => events.slice(n).find((e) => e.keepalived?.running === false), (e) => e !== undefined, 15_000);
    expect(dead!.keepalived!.error).toMatch(/keepalived was killed by SIGKILL/);
    expect(dead!.keepalived!.logTail.join("\n")).toContain("(VI_LAB) Entering MASTER STATE");
    expect(dead!.instances[0]!.state).toBe("STOP");
    // its VRRP child goes with it and releases the VIP; the agent stops the master sync daemon
    await waitFor("keepalived gone", keepalivedPids, (p) => p === "");
    await waitFor("VIP released", br0, (t) => !t.includes(`${VIP}/32`));
    await waitFor("sync daemon stopped", () => ipvsadm(d.name, "-L", "--daemon"), (t) => t.trim() === "");
    await new Promise((r) => setTimeout(r, 3000));
    expect(await keepalivedPids()).toBe("");
    expect((await c.request("ha.get", {})).keepalived).toMatchObject({ running: false, error: expect.stringMatching(/SIGKILL/) });
  });

  it("a repeated ha.configure starts it again; ha.configure(null) stops it and releases the VIP", async () => {
    const s = await c.request("ha.configure", { spec: SPEC }, { deadlineMs: 60_000 });
    expect(s.keepalived).toMatchObject({ running: true, error: null });
    await waitFor("VIP back", br0, (t) => t.includes(`inet ${VIP}/32`));
    const off = await c.request("ha.configure", { spec: null }, { deadlineMs: 60_000 });
    expect(off).toMatchObject({ configured: false, instances: [] });
    expect(off.keepalived).toMatchObject({ running: false, error: null });
    expect(await keepalivedPids()).toBe("");
    await waitFor("VIP released", br0, (t) => !t.includes(`${VIP}/32`));
    expect((await ipvsadm(d.name, "-L", "--daemon")).trim()).toBe("");
  });
});
