// The live WebSocket: subscribe -> snapshot -> merge-patch deltas that, applied in order,
// give exactly the server's current view; nothing for topics not subscribed; bad client
// messages answered with errors, never a crash; other upgrade paths refused.
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { apply } from "@/protocol/merge-patch.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { LivePeer, type TestServer, agents, registration, removeDir, startServer, until } from "./server-helpers.ts";

let s: TestServer | undefined;
let hs: Harness[] = [];
let peers: LivePeer[] = [];
afterEach(async () => {
  for (const p of peers) p.close();
  await s?.close();
  if (s) removeDir(s.dataDir);
  for (const h of hs) await h.close();
  s = undefined;
  hs = [];
  peers = [];
});

/** The view as a merge-patch receiver holds it: keys whose value is null are absent. */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (typeof v !== "object" || v === null) return v;
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, withoutNulls(x)]));
}

/** Applies the topic's snapshot and deltas in seq order; checks seq has no gaps. */
function replay(peer: LivePeer, topic: string): unknown {
  let state: unknown;
  let seq = -1;
  for (const m of peer.messages) {
    if (m.topic !== topic) continue;
    if (m.type === "snapshot") {
      state = m.data;
      seq = m.seq as number;
    } else if (m.type === "delta") {
      expect(m.seq).toBe(seq + 1);
      seq = m.seq as number;
      state = apply(state, m.patch);
    }
  }
  return state;
}

async function fleetWithTraffic(): Promise<LivePeer> {
  hs = await agents(2);
  s = await startServer();
  for (const [i, h] of hs.entries()) await s.api("POST", "/api/directors", registration(h, `d${i + 1}`));
  const peer = await LivePeer.open(s.url);
  peers.push(peer);
  return peer;
}

describe("server live hub", () => {
  it("fleet and director topics: snapshot, then deltas that rebuild the current view", async () => {
    const peer = await fleetWithTraffic();
    peer.send({ type: "subscribe", topic: "fleet" });
    const snap = await peer.next((m) => m.type === "snapshot" && m.topic === "fleet");
    expect(Object.keys((snap.data as { directors: object }).directors).sort()).toEqual(["d1", "d2"]);
    await until(() => s!.app.fleet.links().every((l) => l.link === "online"), 10_000, "online");
    peer.send({ type: "subscribe", topic: "director:d1" });
    await peer.next((m) => m.type === "snapshot" && m.topic === "director:d1");
    // change the table and the counters behind the server's back (as ipvsadm would)
    await s!.api("POST", "/api/directors/d1/services", { key: { protocol: "tcp", address: "10.1.0.1", port: 80 }, config: { scheduler: "rr" } });
    await s!.api("POST", `/api/directors/d1/services/${encodeURIComponent("tcp:10.1.0.1:80")}/destinations`, { key: { address: "10.0.0.5", port: 80 }, config: { forwarding: "route", weight: 1 } });
    const svc = hs[0]!.ipvs.services.get("tcp:10.1.0.1:80")!;
    svc.stats.cps = 42;
    svc.destinations[0]!.activeConns = 5;
    await until(() => s!.app.fleet.get("d1").state.total().cps === 42, 3000, "stats");
    await new Promise((r) => setTimeout(r, 300)); // a couple of hub ticks
    s!.app.hub.flush();
    await new Promise((r) => setTimeout(r, 50));
    const fleet = replay(peer, "fleet");
    expect(withoutNulls(fleet)).toEqual(withoutNulls(s!.app.topicView("fleet")));
    const detail = replay(peer, "director:d1") as { services: Record<string, { destinations: Record<string, { traffic: { activeConns: number } }> }> };
    expect(withoutNulls(detail)).toEqual(withoutNulls(s!.app.topicView("director:d1")));
    expect(detail.services["tcp:10.1.0.1:80"]!.destinations["10.0.0.5:80"]!.traffic.activeConns).toBe(5);
    expect(peer.messages.some((m) => m.type === "delta" && m.topic === "fleet")).toBe(true);
    // never anything for a topic the socket did not subscribe to
    expect(peer.messages.every((m) => m.topic === "fleet" || m.topic === "director:d1")).toBe(true);
  });

  it("service topic; unsubscribe stops the deltas; unknown topics and bad messages get errors", async () => {
    const peer = await fleetWithTraffic();
    await until(() => s!.app.fleet.get("d1").online, 10_000, "online");
    await s!.api("POST", "/api/directors/d1/services", { key: { protocol: "udp", address: "10.1.0.2", port: 53 }, config: { scheduler: "rr" } });
    const topic = `service:d1:${"udp:10.1.0.2:53"}`;
    peer.send({ type: "subscribe", topic });
    const snap = await peer.next((m) => m.type === "snapshot" && m.topic === topic);
    expect(snap.data).toMatchObject({ total: { cps: 0 }, destinations: {} });
    hs[0]!.ipvs.services.get("udp:10.1.0.2:53")!.stats.inPps = 9;
    await until(() => (replay(peer, topic) as { total: { inPps: number } }).total.inPps === 9, 10_000, "inPps 9 on the topic");

    peer.send({ type: "unsubscribe", topic });
    // messages are handled in order: once this snapshot is here, the unsubscribe was handled
    const mark = peer.messages.length;
    peer.send({ type: "subscribe", topic: "drains" });
    await peer.next((m) => m.type === "snapshot" && m.topic === "drains", mark);
    const count = peer.messages.filter((m) => m.topic === topic).length;
    hs[0]!.ipvs.services.get("udp:10.1.0.2:53")!.stats.inPps = 11;
    await until(() => s!.app.fleet.get("d1").state.services.get("udp:10.1.0.2:53")?.traffic.inPps === 11, 10_000, "new stats");
    await new Promise((r) => setTimeout(r, 300)); // a few hub ticks
    expect(peer.messages.filter((m) => m.topic === topic).length).toBe(count);

    const from = peer.messages.length;
    peer.send({ type: "subscribe", topic: "director:nope" });
    expect(await peer.next((m) => m.type === "error", from)).toMatchObject({ topic: "director:nope", error: { code: "not_found" } });
    for (const bad of ["{not json", JSON.stringify({ type: "subscribe", topic: "weird" }), JSON.stringify({ type: "dance" }), JSON.stringify(null)]) {
      const at = peer.messages.length;
      peer.send(bad);
      expect(await peer.next((m) => m.type === "error", at)).toMatchObject({ error: { code: "bad_request" } });
    }
    // still serving after all that
    const at = peer.messages.length;
    peer.send({ type: "subscribe", topic: "fleet" });
    expect(await peer.next((m) => m.type === "snapshot", at)).toMatchObject({ topic: "fleet", data: { directors: { d1: { id: "d1" } } } });
  });

  it("refuses WebSocket upgrades on other paths", async () => {
    s = await startServer();
    const err = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`${s!.url.replace("http", "ws")}/api/other`);
      ws.on("unexpected-response", (_q, res) => resolve(`HTTP ${res.statusCode}`));
      ws.on("error", (e) => resolve(e.message));
      ws.on("open", () => resolve("open"));
    });
    expect(err).not.toBe("open");
  });
});
