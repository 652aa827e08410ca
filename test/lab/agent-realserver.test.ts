// The agent with --role realserver in a real server's namespace (dirN-rs1, which holds the DR
// VIP 172.16.0.200 on lo with the lab's ARP settings). QEMU forwards no spare port to the host,
// so the WebSocket client runs inside the guest, in the director's namespace (which routes to
// the real server), as a small node script driving AgentClient; `ip addr` and `sysctl -n` in
// the real server's namespace are the oracles.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundlePaths, controlFor } from "@/lab/api.ts";
import { LAB_AGENT_PLAINTEXT } from "@/lab/directors.ts";
import { director, guestNode, labInstance, labState, ok, run } from "./lab.ts";

const d = director(1);
const RS = `${d.name}-rs1`;
const RS_IP = "10.0.0.11";
const PORT = 9600; // not used by the lab (agents 9400+, control 7000)
const PROC = "agent-realserver-test";
const TOKEN = "realserver-test-token-0123456789";
const TOKEN_FILE = "/run/lab/realserver-test.token";
const EXTRA_VIP = "172.16.0.201";

interface Outcome {
  type: string;
  ok: boolean;
  data?: unknown;
  code?: string;
  message?: string;
}

/** Runs requests in order against the realserver agent from inside the guest. */
async function requests(list: [string, object][]): Promise<Outcome[]> {
  const argv = await guestNode("test/lab/guest/agent-requests.ts", `ws://${RS_IP}:${PORT}`, TOKEN, JSON.stringify(list));
  const stdout = await ok(d.name, argv);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as Outcome[];
}

/** "a.b.c.d/len" of every IPv4 address on lo, from `ip -o` (4th field). */
async function loAddrs(): Promise<string[]> {
  const out = await ok(RS, ["ip", "-4", "-o", "addr", "show", "dev", "lo"]);
  return out.split("\n").flatMap((l) => l.split(/\s+/)[3] ?? []);
}

beforeAll(async () => {
  const control = controlFor(labState(), d.guest);
  await ok(d.guest, ["sh", "-c", `umask 077; cat > ${TOKEN_FILE}`], `${TOKEN}\n`);
  await control.spawn(PROC, RS, ["node", "--enable-source-maps", bundlePaths(labInstance()).agent, "--listen", `${RS_IP}:${PORT}`, "--token-file", TOKEN_FILE, "--role", "realserver", ...LAB_AGENT_PLAINTEXT]);
  const deadline = Date.now() + 90_000;
  for (;;) {
    const log = await run(d.guest, ["cat", `/run/lab/logs/${PROC}.log`]);
    if (/listening/.test(log.stdout)) break;
    if (Date.now() > deadline) throw new Error(`the realserver agent did not start:\n${log.stdout}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 120_000);

afterAll(async () => {
  await run(RS, ["ip", "addr", "del", `${EXTRA_VIP}/32`, "dev", "lo"]);
  await controlFor(labState(), d.guest).stop(PROC);
}, 60_000);

describe("a realserver agent in a real server's namespace", () => {
  it("reports the lab's DR real server ready, adds and lists a VIP on lo, reads ARP sysctls", async () => {
    const [ready, notReady, add, list, sysctl] = await requests([
      ["realserver.readiness", { vip: "172.16.0.200" }],
      ["realserver.readiness", { vip: EXTRA_VIP }],
      ["vip.add", { address: EXTRA_VIP }],
      ["vip.list", {}],
      ["sysctl.get", { names: ["net.ipv4.conf.all.arp_ignore", "net.ipv4.conf.all.arp_announce"] }],
    ]);
    expect(ready).toMatchObject({ ok: true, data: { vip: "172.16.0.200", ready: true } });
    const checks = (ready!.data as { checks: { id: string; ok: boolean }[] }).checks;
    expect(checks.map((c) => c.id)).toEqual(expect.arrayContaining(["vip-on-lo", "host-route", "arp_ignore:eth0", "arp_announce:eth0"]));
    expect(notReady).toMatchObject({ ok: true, data: { ready: false } });
    expect(add).toMatchObject({ ok: true, data: { vip: EXTRA_VIP, prefixLength: 32, changed: true, hostRoute: true } });
    expect(await loAddrs()).toContain(`${EXTRA_VIP}/32`);
    const vips = (list!.data as { vips: { address: string; prefixLength: number }[] }).vips;
    expect(vips).toEqual(expect.arrayContaining([{ address: "172.16.0.200", prefixLength: 32 }, { address: EXTRA_VIP, prefixLength: 32 }]));
    expect(vips.map((v) => `${v.address}/${v.prefixLength}`).sort()).toEqual((await loAddrs()).filter((a) => !a.startsWith("127.")).sort());
    expect(sysctl).toMatchObject({
      ok: true,
      data: {
        values: {
          "net.ipv4.conf.all.arp_ignore": (await ok(RS, ["sysctl", "-n", "net.ipv4.conf.all.arp_ignore"])).trim(),
          "net.ipv4.conf.all.arp_announce": (await ok(RS, ["sysctl", "-n", "net.ipv4.conf.all.arp_announce"])).trim(),
        },
      },
    });
  });

  it("removes the VIP from lo, and answers forbidden to director-only messages", async () => {
    const [remove, again, services, conns, rules, ping] = await requests([
      ["vip.remove", { address: EXTRA_VIP }],
      ["vip.remove", { address: EXTRA_VIP }],
      ["service.list", {}],
      ["conns.read", {}],
      ["rules.export", {}],
      ["ping", {}],
    ]);
    expect(remove).toMatchObject({ ok: true, data: { vip: EXTRA_VIP, changed: true, hostRoute: false } });
    expect(again).toMatchObject({ ok: true, data: { changed: false } });
    expect(await loAddrs()).not.toContain(`${EXTRA_VIP}/32`);
    expect(await loAddrs()).toContain("172.16.0.200/32");
    for (const r of [services, conns, rules]) expect(r, r?.type).toMatchObject({ ok: false, code: "forbidden" });
    expect(ping).toMatchObject({ ok: true });
  });
});
