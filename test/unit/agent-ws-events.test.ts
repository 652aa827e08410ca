// Progress events of a plugged-in conns.read handler reach the caller before its result, and
// a connection that floods requests is told `unavailable` instead of exhausting the agent.
import { afterEach, describe, expect, it } from "vitest";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const emptyResult = { scanned: 2, matched: 0, offset: 0, entries: [], aggregates: {} };

describe("agent ws events and limits", () => {
  it("conns.read progress events arrive in order, tagged with the request id, before the result", async () => {
    const registry = new HandlerRegistry().register("conns.read", async (q, ctx) => {
      expect(q.limit).toBe(100); // defaults applied before the handler runs
      ctx.emit({ bytes: 100, entries: 1, done: false });
      ctx.emit({ bytes: 200, entries: 2, done: true });
      return emptyResult;
    });
    h = await startHarness({ registry });
    const c = await h.client();
    const seen: [unknown, string][] = [];
    const r = await c.request("conns.read", {}, { onEvent: (d, topic) => seen.push([d, topic]) });
    expect(r.scanned).toBe(2);
    expect(seen).toEqual([
      [{ bytes: 100, entries: 1, done: false }, "conns.progress"],
      [{ bytes: 200, entries: 2, done: true }, "conns.progress"],
    ]);
    const peer = await h.raw();
    peer.send(JSON.stringify({ v: 1, id: "q", type: "conns.read" }));
    const first = await peer.next();
    expect(first).toMatchObject({ type: "event", id: "q", topic: "conns.progress", seq: 1 });
    expect(await peer.next()).toMatchObject({ type: "event", id: "q", seq: 2 });
    expect(await peer.next()).toMatchObject({ type: "result", id: "q", ok: true });
  });

  it("requests beyond maxInFlight are answered unavailable; the others complete", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const registry = new HandlerRegistry().register("ipvs.info", async () => {
      await gate;
      return { version: "1.2.1", connTableSize: 4096 };
    });
    h = await startHarness({ registry, maxInFlight: 2 });
    const peer = await h.raw();
    for (const id of ["a", "b", "c"]) peer.send(JSON.stringify({ v: 1, id, type: "ipvs.info" }));
    expect(await peer.next()).toMatchObject({ id: "c", ok: false, error: { code: "unavailable" } });
    release();
    const rest = [await peer.next(), await peer.next()].map((m) => [m.id, m.ok]);
    expect(rest.sort()).toEqual([["a", true], ["b", true]]);
  });

  it("a result the agent cannot serialize becomes an internal error, not a crash", async () => {
    const registry = new HandlerRegistry().register("ipvs.info", async () => ({ version: 1n, connTableSize: 0 }) as never);
    h = await startHarness({ registry });
    const peer = await h.raw();
    expect(await peer.request({ v: 1, id: "big", type: "ipvs.info" })).toMatchObject({ id: "big", ok: false, error: { code: "internal" } });
    expect(await peer.request({ v: 1, id: "p", type: "ping" })).toMatchObject({ id: "p", type: "pong" });
  });
});
