// vip.* and realserver.readiness through a real agent WebSocket server on a realserver
// agent, over a message-level fake of iproute2 (it answers argv with the JSON `ip -j` prints)
// and a temp /proc/sys tree for the ARP settings.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { createHandlers } from "@/agent/handlers/vip.ts";
import { buildRegistry } from "@/agent/handlers/handler-modules.ts";
import { IpCommandError, type RunIp } from "@/agent/realserver/ip-command.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";

interface Addr {
  family: "inet" | "inet6";
  local: string;
  prefixlen: number;
}

function fakeIp(initial: Addr[] = []) {
  const addrs: Addr[] = [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }, { family: "inet6", local: "::1", prefixlen: 128 }, ...initial];
  const calls: string[][] = [];
  const run: RunIp = async (args) => {
    calls.push([...args]);
    const a = args.join(" ");
    if (a === "-j addr show dev lo") return JSON.stringify([{ ifname: "lo", addr_info: addrs.map((x) => ({ ...x, scope: "host" })) }]);
    let m = /^-([46]) addr (add|del) (\S+)\/(\d+) dev lo$/.exec(a);
    if (m) {
      const [, fam, op, ip, len] = m as unknown as [string, string, string, string, string];
      const i = addrs.findIndex((x) => x.local === ip);
      if (op === "add" && i < 0) addrs.push({ family: fam === "6" ? "inet6" : "inet", local: ip, prefixlen: Number(len) });
      else if (op === "del" && i >= 0) addrs.splice(i, 1);
      else throw new IpCommandError(["ip", ...args], "RTNETLINK answers: File exists", 2);
      return "";
    }
    m = /^-[46] -j route show table local (\S+)$/.exec(a);
    if (m) {
      const hit = addrs.find((x) => x.local === m![1]);
      return JSON.stringify(hit ? [{ type: "local", dst: hit.local, dev: "lo" }] : []);
    }
    throw new Error(`fake ip: unexpected argv ${a}`);
  };
  return { run, calls, addrs };
}

let dir: string;
let h: Harness | undefined;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "handlers-vip-"));
  for (const i of ["all", "default", "lo", "eth0"]) {
    for (const [k, v] of [["arp_ignore", i === "all" ? "1" : "0"], ["arp_announce", i === "all" ? "2" : "0"]] as const) {
      const p = join(dir, "net", "ipv4", "conf", i, k);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, `${v}\n`);
    }
  }
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(ip: ReturnType<typeof fakeIp>): Promise<Harness> {
  const handlers = createHandlers({ role: "realserver", ipvs: null, host: { runIp: ip.run, procSysRoot: dir } });
  return startHarness({ role: "realserver", registry: new HandlerRegistry().use(handlers) });
}

const codeOf = (e: unknown) => (e instanceof ProtocolError ? e.code : `not a ProtocolError: ${String(e)}`);
const octet = fc.integer({ min: 1, max: 223 }).filter((n) => n !== 127);
const vip4 = fc.tuple(octet, fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join("."));

describe("vip handlers", () => {
  it("vip.add then vip.list then vip.remove round-trips any VIP set (property)", async () => {
    const ip = fakeIp();
    h = await start(ip);
    const c = await h.client();
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(vip4, { maxLength: 5 }), async (vips) => {
        for (const v of vips) expect(await c.request("vip.add", { address: v })).toMatchObject({ vip: v, prefixLength: 32, changed: true, hostRoute: true });
        const listed = (await c.request("vip.list", {})).vips;
        expect(listed.map((x) => x.address).sort()).toEqual([...vips].sort());
        expect(listed.every((x) => x.prefixLength === 32)).toBe(true);
        for (const v of vips) expect((await c.request("vip.remove", { address: v })).changed).toBe(true);
        expect((await c.request("vip.list", {})).vips).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it("lists IPv6 VIPs canonically and never the loopback addresses", async () => {
    const ip = fakeIp([{ family: "inet6", local: "2001:db8::10", prefixlen: 128 }]);
    h = await start(ip);
    const c = await h.client();
    expect(await c.request("vip.list", {})).toEqual({ vips: [{ address: "2001:db8::10", prefixLength: 128 }] });
  });

  it("refuses loopback/multicast VIPs and a VIP held with a wider prefix as bad_request", async () => {
    const ip = fakeIp([{ family: "inet", local: "192.0.2.9", prefixlen: 24 }]);
    h = await start(ip);
    const c = await h.client();
    for (const address of ["127.0.0.5", "224.0.0.1", "192.0.2.9"]) {
      const err = await c.request("vip.add", { address }).catch((e: unknown) => e);
      expect(codeOf(err), address).toBe("bad_request");
    }
    expect(ip.calls.filter((x) => x.includes("add"))).toEqual([]);
  });

  it("an ip failure is reported with its stderr, not swallowed", async () => {
    const run: RunIp = async (args) => {
      throw new IpCommandError(["ip", ...args], "RTNETLINK answers: Operation not permitted", 2);
    };
    h = await startHarness({ role: "realserver", registry: new HandlerRegistry().use(createHandlers({ role: "realserver", ipvs: null, host: { runIp: run } })) });
    const c = await h.client();
    const err = await c.request("vip.list", {}).catch((e: unknown) => e);
    expect(codeOf(err)).toBe("forbidden");
    expect((err as Error).message).toMatch(/Operation not permitted/);
  });

  it("realserver.readiness: ready with VIP and ARP settings, not ready (with fixes) without", async () => {
    const ip = fakeIp([{ family: "inet", local: "172.16.0.200", prefixlen: 32 }]);
    h = await start(ip);
    const c = await h.client();
    const ok = await c.request("realserver.readiness", { vip: "172.16.0.200" });
    expect(ok.ready).toBe(true);
    expect(ok.checks.map((x) => x.id)).toEqual(expect.arrayContaining(["vip-on-lo", "host-route", "arp_ignore:eth0", "arp_announce:eth0"]));
    await writeFile(join(dir, "net/ipv4/conf/all/arp_ignore"), "0\n");
    const bad = await c.request("realserver.readiness", { vip: "172.16.0.201" });
    expect(bad.ready).toBe(false);
    const failed = bad.checks.filter((x) => !x.ok).map((x) => x.id);
    expect(failed).toEqual(expect.arrayContaining(["vip-on-lo", "host-route", "arp_ignore:eth0"]));
    expect(failed).not.toContain("arp_announce:eth0");
    expect(bad.checks.find((x) => x.id === "arp_ignore:eth0")?.fix?.sysctl).toEqual({ name: "net.ipv4.conf.all.arp_ignore", value: "1" });
  });

  it("the real agent registry gives a realserver vip/sysctl/readiness but no IPVS or conns", async () => {
    const { registry, loaded } = await buildRegistry({ role: "realserver", ipvs: null, host: { runIp: fakeIp().run, procSysRoot: dir } });
    expect(loaded).toEqual(["rules", "conns", "sysctl", "vip"]);
    const types = registry.types();
    for (const t of ["vip.add", "vip.list", "vip.remove", "realserver.readiness", "sysctl.get", "sysctl.set"]) expect(types).toContain(t);
    expect(types).not.toContain("conns.read");
    expect(types).not.toContain("service.list");
    h = await startHarness({ role: "realserver", registry });
    const c = await h.client();
    for (const t of ["service.list", "conns.read", "rules.export"] as const) {
      const err = await c.request(t, {} as never).catch((e: unknown) => e);
      expect(codeOf(err), t).toBe("forbidden");
    }
  });
});
