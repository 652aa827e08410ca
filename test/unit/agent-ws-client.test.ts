// AgentClient against a real agent server: typed round trips, link loss, reconnect with
// backoff, stats subscriptions, heartbeats.
import fc from "fast-check";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { backoffDelay } from "@/protocol/node/agent-client.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { StatsSnapshot } from "@/protocol/agent/ipvs.ts";
import { type Harness, SVC, TOKEN, startHarness } from "./agent-ws-harness.ts";
import { DEFLATE_THRESHOLD_BYTES } from "@/agent/ws/server.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.close();
  harnesses = [];
});
async function harness(...a: Parameters<typeof startHarness>) {
  const h = await startHarness(...a);
  harnesses.push(h);
  return h;
}

describe("AgentClient", () => {
  it("does typed round trips: create, list, patch-update, delete", async () => {
    const h = await harness();
    const c = await h.client();
    await c.request("service.create", { key: SVC, config: { scheduler: "wrr" } });
    await c.request("dest.create", {
      service: SVC,
      destination: { key: { address: "10.0.0.2", port: 80 }, config: { forwarding: "masq", weight: 3, upperThreshold: 7 } },
    });
    const updated = await c.request("dest.update", {
      service: SVC,
      key: { address: "10.0.0.2", port: 80 },
      config: { weight: 0 },
    });
    // a patch keeps what it does not name (unlike ipvsadm -e, which resets -m and -x)
    expect(updated.config).toMatchObject({ forwarding: "masq", weight: 0, upperThreshold: 7 });
    const list = await c.request("service.list", {});
    expect(list).toHaveLength(1);
    expect(list[0]!.config.scheduler).toBe("wrr");
    expect(list[0]!.destinations[0]!.config.weight).toBe(0);
    const svc = await c.request("service.update", { key: SVC, config: { persistence: { timeout: 60, netmask: "255.255.255.255" } } });
    expect(svc.config).toMatchObject({ scheduler: "wrr", persistence: { timeout: 60 } });
    await c.request("service.delete", { key: SVC });
    expect(await c.request("service.list", {})).toEqual([]);
    const err = await c.request("service.delete", { key: SVC }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe("not_found");
    expect(await c.ping()).toBeGreaterThanOrEqual(0);
  });

  it("rejects pending requests when the link drops", async () => {
    const h = await harness();
    const c = await h.client();
    h.ipvs.delayMs = 2000;
    const pending = c.request("service.list", {}).catch((e: unknown) => e);
    await sleep(50);
    await h.server.close();
    const err = await pending;
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe("unavailable");
    await until(() => c.state === "closed");
    await expect(c.request("ipvs.info", {})).rejects.toMatchObject({ code: "unavailable" });
  });

  it("reconnects with backoff and re-establishes subscriptions", async () => {
    const h = await harness();
    const port = h.server.port;
    const states: string[] = [];
    const c = await h.client({
      reconnect: { initialDelayMs: 50, maxDelayMs: 400, jitter: 0.2 },
      onStateChange: (s) => states.push(s),
    });
    const events: StatsSnapshot[] = [];
    await c.subscribe("stats.subscribe", { intervalMs: 200 }, (e) => events.push(e));
    await h.server.close();
    await until(() => c.state === "reconnecting");
    await sleep(300); // a few attempts fail against the closed port
    const h2 = await harness({ port });
    await until(() => c.state === "open", 8000);
    expect(states.filter((s) => s === "reconnecting").length).toBeGreaterThanOrEqual(2);
    expect((await c.request("ipvs.info", {})).version).toBe("1.2.1");
    const before = events.length;
    await until(() => events.length > before); // the subscription came back on the new link
    expect(h2.server.clientCount).toBe(1);
  });

  it("backoff grows exponentially, is capped and jittered downwards (property)", () => {
    fc.assert(
      fc.property(
        fc.nat(60),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1000, max: 60_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        (attempt, initial, max, jitter, r) => {
          const o = { initialDelayMs: initial, maxDelayMs: max, jitter };
          const full = Math.min(max, initial * 2 ** attempt);
          const d = backoffDelay(attempt, o, () => r);
          expect(d).toBeLessThanOrEqual(Math.round(full));
          expect(d).toBeGreaterThanOrEqual(Math.floor(full * (1 - jitter)));
          expect(backoffDelay(attempt, o, () => 0)).toBe(Math.round(full));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("stats subscription pushes at the interval and stops on unsubscribe", async () => {
    const h = await harness();
    const c = await h.client();
    await c.request("service.create", { key: SVC, config: { scheduler: "rr" } });
    const events: StatsSnapshot[] = [];
    const t0 = Date.now();
    const sub = await c.subscribe("stats.subscribe", { intervalMs: 200 }, (e) => events.push(e));
    await until(() => events.length >= 3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(380); // first at once, then every 200 ms
    expect(events[0]!.services[0]!.key).toEqual(SVC);
    await sub.unsubscribe();
    const calls = h.ipvs.listCalls;
    const count = events.length;
    await sleep(600);
    expect(events.length).toBe(count);
    expect(h.ipvs.listCalls).toBe(calls);
    const again = await c.request("stats.unsubscribe", { subscription: sub.id ?? "gone" }).catch((e: unknown) => e);
    expect((again as ProtocolError).code).toBe("not_found");
  });

  it("refuses a stats interval below 200 ms", async () => {
    const h = await harness();
    const c = await h.client();
    await expect(c.request("stats.subscribe", { intervalMs: 50 })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("stats subscription stops when the peer disconnects", async () => {
    const h = await harness();
    const c = await h.client();
    await c.subscribe("stats.subscribe", { intervalMs: 200 }, () => {});
    await until(() => h.ipvs.listCalls >= 2);
    c.close();
    await until(() => h.server.clientCount === 0);
    const calls = h.ipvs.listCalls;
    await sleep(600);
    expect(h.ipvs.listCalls).toBeLessThanOrEqual(calls + 1); // at most one tick already in flight
  });

  it("drops a peer that stops answering pings", async () => {
    const h = await harness({ heartbeatMs: 100 });
    const ws = new WebSocket(h.server.url, { headers: { authorization: `Bearer ${TOKEN}` }, autoPong: false });
    await new Promise((r) => ws.once("open", r));
    const code = await new Promise<number>((r) => ws.once("close", (c) => r(c)));
    expect(code).toBe(1006); // terminated, no close frame
    await until(() => h.server.clientCount === 0);
  });
});

describe("large results on the wire", () => {
  it("are deflated when the peer offers permessage-deflate, and arrive intact", async () => {
    const h = await startHarness();
    try {
      for (let i = 0; i < 800; i++) {
        await h.ipvs.createService({
          key: { protocol: "tcp", address: `10.9.${i >> 8}.${i & 255}`, port: 80 },
          config: { scheduler: "wlc", schedulerFlags: [], persistence: null, pe: null, onePacket: false },
        });
      }
      const peer = await h.raw();
      expect(peer.ws.extensions).toContain("permessage-deflate");
      const socket = (peer.ws as unknown as { _socket: { bytesRead: number } })._socket;
      const before = socket.bytesRead;
      const r = await peer.request({ v: 1, id: "big", type: "service.list" });
      const text = JSON.stringify(r);
      expect((r.data as unknown[]).length).toBe(800);
      expect(text.length).toBeGreaterThan(DEFLATE_THRESHOLD_BYTES);
      expect(socket.bytesRead - before).toBeLessThan(text.length / 4);
      // small answers are not deflated (no zlib work per message)
      const b2 = socket.bytesRead;
      const pong = await peer.request({ v: 1, id: "p", type: "ping" });
      expect(socket.bytesRead - b2).toBeGreaterThanOrEqual(JSON.stringify(pong).length);
      // and the typed client expands the compact listing to the same objects
      const c = await h.client();
      expect(await c.listServices()).toEqual(await c.request("service.list", {}));
    } finally {
      await h.close();
    }
  });
});
