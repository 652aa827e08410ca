// agent/ha/addresses.ts CachedInterfaces: the HA status's `ip -j addr` reads are shared while
// they are young, never reused after invalidate() (a VRRP transition moves the VIPs) or a failure.
import { describe, expect, it } from "vitest";
import { CachedInterfaces } from "@/agent/ha/addresses.ts";

const ipJson = (vip: string) =>
  JSON.stringify([{ ifname: "eth0", flags: ["UP", "MULTICAST"], addr_info: [{ family: "inet", local: vip, prefixlen: 32 }] }]);

function fakeIp() {
  let runs = 0;
  let vip = "10.0.0.1";
  let fail = false;
  return {
    get runs() {
      return runs;
    },
    set vip(v: string) {
      vip = v;
    },
    set fail(f: boolean) {
      fail = f;
    },
    run: async (_args: readonly string[]) => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error("ip: exit 1");
      return ipJson(vip);
    },
  };
}

describe("CachedInterfaces", () => {
  it("shares one `ip` run between concurrent reads and reuses a young reading", async () => {
    const ip = fakeIp();
    let now = 1000;
    const c = new CachedInterfaces(ip.run, 500, () => now);
    const [a, b] = await Promise.all([c.read(), c.read()]);
    expect(ip.runs).toBe(1);
    expect(a).toBe(b);
    now += 400;
    await c.read();
    expect(ip.runs).toBe(1);
    now += 200; // 600 ms old: read again
    ip.vip = "10.0.0.2";
    expect((await c.read())[0]!.addresses[0]!.address).toBe("10.0.0.2");
    expect(ip.runs).toBe(2);
  });

  it("reads again after invalidate(), however young the reading", async () => {
    const ip = fakeIp();
    const c = new CachedInterfaces(ip.run, 60_000, () => 0);
    await c.read();
    ip.vip = "10.0.0.9";
    c.invalidate();
    expect((await c.read())[0]!.addresses[0]!.address).toBe("10.0.0.9");
    expect(ip.runs).toBe(2);
  });

  it("does not reuse a failed reading", async () => {
    const ip = fakeIp();
    const c = new CachedInterfaces(ip.run, 60_000, () => 0);
    ip.fail = true;
    await expect(c.read()).rejects.toThrow(/exit 1/);
    ip.fail = false;
    expect((await c.read())[0]!.name).toBe("eth0");
    expect(ip.runs).toBe(2);
  });
});
