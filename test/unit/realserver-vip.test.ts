// The real-server role against a message-level fake of iproute2: it answers argv with the
// JSON `ip -j` prints (shapes copied from iproute2 6.1 output) and records every argv.
// The real `ip` in a guest namespace is exercised by test/lab/sysctl.test.ts.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { IpCommandError, ipInNetns, type RunIp } from "@/agent/realserver/ip-command.ts";
import { drReadiness } from "@/agent/realserver/readiness.ts";
import { bindVip, RealServerError, unbindVip } from "@/agent/realserver/vip.ts";

function fakeIp(initial: { local: string; prefixlen: number; family: "inet" | "inet6" }[] = []) {
  const addrs = [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }, { family: "inet6", local: "::1", prefixlen: 128 }, ...initial];
  const calls: string[][] = [];
  const run: RunIp = async (args) => {
    calls.push([...args]);
    const a = args.join(" ");
    if (a === "-j addr show dev lo") return JSON.stringify([{ ifname: "lo", addr_info: addrs.map((x) => ({ ...x, scope: "global", label: "lo" })) }]);
    let m = /^-([46]) addr (add|del) (\S+)\/(\d+) dev lo$/.exec(a);
    if (m) {
      const [, fam, op, ip, len] = m as unknown as [string, string, string, string, string];
      const i = addrs.findIndex((x) => x.local === ip);
      if (op === "add") {
        if (i >= 0) throw new IpCommandError(["ip", ...args], "Error: ipv4: Address already assigned.", 2);
        addrs.push({ family: fam === "6" ? "inet6" : "inet", local: ip, prefixlen: Number(len) });
      } else {
        if (i < 0) throw new IpCommandError(["ip", ...args], "Error: ipv4: Address not found.", 2);
        addrs.splice(i, 1);
      }
      return "";
    }
    m = /^-[46] -j route show table local (\S+)$/.exec(a);
    if (m) {
      const hit = addrs.find((x) => x.local === m![1]);
      return JSON.stringify(hit ? [{ type: "local", dst: hit.local, dev: "lo", protocol: "kernel", scope: "host" }] : []);
    }
    throw new Error(`fake ip: unexpected argv ${a}`);
  };
  return { run, calls, addrs };
}

describe("binding a VIP on lo", () => {
  it("adds IPv4 as /32 and IPv6 as /128 with argv arrays, and sees the kernel's local route", async () => {
    const ip = fakeIp();
    expect(await bindVip("192.0.2.10", ip.run)).toEqual({ vip: "192.0.2.10", prefixLength: 32, changed: true, hostRoute: true });
    expect(await bindVip("2001:DB8:0::10", ip.run)).toEqual({ vip: "2001:db8::10", prefixLength: 128, changed: true, hostRoute: true });
    expect(ip.calls).toContainEqual(["-4", "addr", "add", "192.0.2.10/32", "dev", "lo"]);
    expect(ip.calls).toContainEqual(["-6", "addr", "add", "2001:db8::10/128", "dev", "lo"]);
  });

  it("is idempotent both ways", async () => {
    const ip = fakeIp([{ family: "inet", local: "192.0.2.10", prefixlen: 32 }]);
    expect((await bindVip("192.0.2.10", ip.run)).changed).toBe(false);
    expect(await unbindVip("192.0.2.10", ip.run)).toEqual({ vip: "192.0.2.10", prefixLength: 32, changed: true, hostRoute: false });
    expect((await unbindVip("192.0.2.10", ip.run)).changed).toBe(false);
    expect(ip.calls.filter((c) => c.includes("del"))).toHaveLength(1);
  });

  it("refuses a VIP already on lo with a wider prefix", async () => {
    const ip = fakeIp([{ family: "inet", local: "192.0.2.10", prefixlen: 24 }]);
    await expect(bindVip("192.0.2.10", ip.run)).rejects.toThrow(/already on lo as \/24/);
  });

  it.each(["192.0.2.10; reboot", "-6", "192.0.2.10/24", "127.0.0.5", "0.0.0.0", "224.0.0.1", "::1", "ff02::1", "", "lo"])(
    "refuses %j before running anything",
    async (vip) => {
      const ip = fakeIp();
      await expect(bindVip(vip, ip.run)).rejects.toBeInstanceOf(RealServerError);
      expect(ip.calls).toEqual([]);
    },
  );

  it("refuses namespace names that could be options or paths", () => {
    for (const bad of ["-all", "../x", "a b", ""]) expect(() => ipInNetns(bad)).toThrow(TypeError);
    expect(() => ipInNetns("rs1")).not.toThrow();
  });
});

describe("DR readiness", () => {
  let dir: string;
  const write = async (iface: string, key: string, v: number) => {
    await mkdir(join(dir, "net/ipv4/conf", iface), { recursive: true });
    await writeFile(join(dir, "net/ipv4/conf", iface, key), `${v}\n`);
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "rs-ready-"));
    for (const i of ["all", "default", "lo", "eth0"]) for (const k of ["arp_ignore", "arp_announce"]) await write(i, k, 0);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("reports every failing check with its current value and fix, then ready once fixed", async () => {
    const ip = fakeIp();
    const before = await drReadiness("192.0.2.10", { run: ip.run, procRoot: dir });
    expect(before.ready).toBe(false);
    const byId = Object.fromEntries(before.checks.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(["arp_announce:eth0", "arp_announce:lo", "arp_ignore:eth0", "arp_ignore:lo", "host-route", "vip-on-lo"]);
    expect(byId["vip-on-lo"]).toMatchObject({ ok: false, current: "absent", fix: { commands: [["ip", "-4", "addr", "add", "192.0.2.10/32", "dev", "lo"]] } });
    expect(byId["arp_ignore:eth0"]).toMatchObject({ ok: false, current: "0", expected: "1", fix: { sysctl: { name: "net.ipv4.conf.all.arp_ignore", value: "1" } } });

    // apply the fixes the report gives
    await bindVip("192.0.2.10", ip.run);
    await write("all", "arp_ignore", 1);
    await write("all", "arp_announce", 2);
    const after = await drReadiness("192.0.2.10", { run: ip.run, procRoot: dir });
    expect(after.checks.filter((c) => !c.ok)).toEqual([]);
    expect(after.ready).toBe(true);
  });

  it("uses max(all, interface): an interface value alone counts, and one set too high needs its own fix", async () => {
    const ip = fakeIp([{ family: "inet", local: "192.0.2.10", prefixlen: 32 }]);
    await write("eth0", "arp_ignore", 1);
    await write("eth0", "arp_announce", 2);
    await write("all", "arp_announce", 2);
    await write("all", "arp_ignore", 1);
    await write("lo", "arp_ignore", 8);
    const r = await drReadiness("192.0.2.10", { run: ip.run, procRoot: dir });
    const byId = Object.fromEntries(r.checks.map((c) => [c.id, c]));
    expect(byId["arp_ignore:eth0"]!.ok).toBe(true);
    expect(byId["arp_ignore:lo"]).toMatchObject({ ok: false, current: "8", fix: { sysctl: { name: "net.ipv4.conf.lo.arp_ignore", value: "1" } } });
  });

  it("for IPv6 checks the /128 on lo and says ARP settings do not apply", async () => {
    const ip = fakeIp([{ family: "inet6", local: "2001:db8::10", prefixlen: 64 }]);
    const r = await drReadiness("2001:db8::10", { run: ip.run, procRoot: dir });
    expect(r.checks.map((c) => c.id)).toEqual(["vip-on-lo", "host-route"]);
    expect(r.checks[0]).toMatchObject({ ok: false, current: "2001:db8::10/64 on lo" });
    expect(r.notes.join(" ")).toMatch(/IPv6/);
  });
});
