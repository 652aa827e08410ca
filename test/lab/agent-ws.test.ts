// The agent in a real director (started by the lab in the director's namespace), driven over
// its WebSocket from the host with AgentClient; the real `ipvsadm -S -n` in the same namespace
// is the oracle. Only test services in 192.0.2.0/24 and fwmark 7707 are touched.
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import type { ProtocolError } from "@/protocol/errors.ts";
import type { StatsSnapshot } from "@/protocol/agent/ipvs.ts";
import { connectAgent, director, ipvsadm } from "./lab.ts";

const TCP = { protocol: "tcp", address: "192.0.2.10", port: 80 } as const;
const UDP = { protocol: "udp", address: "192.0.2.11", port: 53 } as const;
const MARK = { protocol: "fwmark", fwmark: 7707, family: "ipv4" } as const;
const RS = { address: "10.0.0.11", port: 80 };

const d = director(2);

/** The lines of `ipvsadm -S -n` that belong to this test, sorted (ipvsadm's order is not numeric). */
async function saved(): Promise<string[]> {
  const out = await ipvsadm(d.name, "-S", "-n");
  return out.split("\n").filter((l) => /192\.0\.2\.|-f 7707\b/.test(l)).sort();
}

async function cleanup(): Promise<void> {
  for (const l of await saved()) {
    if (!l.startsWith("-A ")) continue;
    const svc = l.slice(3).split(" -s ")[0]!.split(" ");
    await ipvsadm(d.name, "-D", ...svc);
  }
}

describe("agent over WebSocket on a real director", () => {
  let c: AgentClient;
  beforeAll(async () => {
    await cleanup();
    c = await connectAgent(d);
  });
  afterAll(async () => {
    c?.close();
    await cleanup();
  });

  it("refuses a wrong token with HTTP 401", async () => {
    const bad = new AgentClient({ url: d.agentUrl, token: "wrong-token-wrong-token", heartbeatMs: 0 });
    await expect(bad.connect()).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("creates services and destinations that ipvsadm -S -n shows", async () => {
    expect((await c.request("ipvs.info", {})).version).toMatch(/^1\.2\./);
    await c.request("service.create", { key: TCP, config: { scheduler: "wrr" } });
    await c.request("dest.create", {
      service: TCP,
      destination: { key: RS, config: { forwarding: "masq", weight: 3 } },
    });
    await c.request("service.create", {
      key: UDP,
      config: { scheduler: "rr", persistence: { timeout: 120, netmask: "255.255.255.0" } },
    });
    await c.request("service.create", { key: MARK, config: { scheduler: "rr" } });
    expect(await saved()).toEqual(
      [
        "-A -t 192.0.2.10:80 -s wrr",
        "-a -t 192.0.2.10:80 -r 10.0.0.11:80 -m -w 3",
        "-A -u 192.0.2.11:53 -s rr -p 120 -M 255.255.255.0",
        "-A -f 7707 -s rr",
      ].sort(),
    );
    const listed = await c.request("service.list", {});
    const mine = listed.filter((s) => (s.key.protocol === "fwmark" ? s.key.fwmark === 7707 : s.key.address.startsWith("192.0.2.")));
    expect(mine).toHaveLength(3);
    const tcp = mine.find((s) => s.key.protocol === "tcp")!;
    expect(tcp.destinations.map((x) => [x.key, x.config.forwarding, x.config.weight])).toEqual([[RS, "masq", 3]]);
  });

  it("patches a destination's weight without resetting its forwarding method", async () => {
    const r = await c.request("dest.update", { service: TCP, key: RS, config: { weight: 0 } });
    expect(r.config).toMatchObject({ forwarding: "masq", weight: 0 });
    expect(await saved()).toContain("-a -t 192.0.2.10:80 -r 10.0.0.11:80 -m -w 0");
  });

  it("bad requests get errors and leave ipvsadm -S -n unchanged", async () => {
    const before = await saved();
    const code = (p: Promise<unknown>) => p.then(() => "ok", (e: ProtocolError) => e.code);
    expect(await code(c.request("service.create", { key: TCP, config: { scheduler: "rr" } }))).toBe("conflict");
    expect(await code(c.request("service.delete", { key: { ...TCP, port: 81 } }))).toBe("not_found");
    expect(
      await code(c.request("service.create", { key: { ...TCP, address: "192.0.2.300" }, config: { scheduler: "rr" } } as never)),
    ).toBe("bad_request");
    expect(await code(c.request("service.create", { key: TCP, config: { scheduler: "bogus" } } as never))).toBe("bad_request");
    expect(
      await code(c.request("dest.create", { service: TCP, destination: { key: RS, config: { forwarding: "nat", weight: 1 } } } as never)),
    ).toBe("bad_request");
    expect(await code(c.request("dest.delete", { service: TCP, key: { address: "10.0.0.99", port: 80 } }))).toBe("not_found");
    // raw garbage on its own connection
    const raw = new WebSocket(d.agentUrl, { headers: { authorization: `Bearer ${d.agentToken}` } });
    await new Promise((r) => raw.once("open", r));
    const reply = new Promise<string>((r) => raw.once("message", (m) => r(String(m))));
    raw.send("{\"v\":1,\"id\":\"x\",\"type\":\"flush\"");
    expect(JSON.parse(await reply)).toMatchObject({ ok: false, error: { code: "bad_request" } });
    raw.close();
    expect(await saved()).toEqual(before);
  });

  it("pushes stats for a subscribed service", async () => {
    const events: StatsSnapshot[] = [];
    const sub = await c.subscribe("stats.subscribe", { intervalMs: 500, services: [TCP] }, (e) => events.push(e));
    const end = Date.now() + 20_000;
    while (events.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    await sub.unsubscribe();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events[0]!.services.map((s) => s.key)).toEqual([TCP]);
    expect(events[0]!.services[0]!.destinations[0]!.key).toEqual(RS);
  });

  it("deletes services so that ipvsadm no longer lists them", async () => {
    await c.request("dest.delete", { service: TCP, key: RS });
    for (const key of [TCP, UDP, MARK]) await c.request("service.delete", { key });
    expect(await saved()).toEqual([]);
  });
});
