// The live hub alone: a socket that stops reading is dropped once its send queue passes the
// bound, instead of the server buffering without limit; other sockets keep their deltas.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { LiveHub } from "@/server/live/hub.ts";
import { until } from "./server-helpers.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe("live hub", () => {
  it("drops a socket that does not read; a reading one keeps getting deltas", async () => {
    let n = 0;
    // a big view that changes on every tick
    const hub = new LiveHub(() => ({ n: n++, blob: "x".repeat(256 * 1024) + n }), { tickMs: 5, maxBufferedBytes: 1024 * 1024 });
    const http = createServer();
    http.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    cleanups.push(() => {
      hub.close();
      http.close();
    });
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/live`;
    const open = () => new Promise<WebSocket>((resolve) => { const ws = new WebSocket(url); ws.once("open", () => resolve(ws)); });
    const slow = await open();
    const fast = await open();
    cleanups.push(() => {
      slow.terminate();
      fast.terminate();
    });
    let fastDeltas = 0;
    fast.on("message", () => fastDeltas++);
    slow.send(JSON.stringify({ type: "subscribe", topic: "fleet" }));
    fast.send(JSON.stringify({ type: "subscribe", topic: "fleet" }));
    await until(() => fastDeltas > 2, 10_000, "deltas");
    // stop reading: the kernel buffers fill, then the hub's queue grows past the bound
    (slow as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(() => hub.socketCount === 1, 15_000, "the slow socket dropped");
    const before = fastDeltas;
    await until(() => fastDeltas > before + 2, 10_000, "deltas continue");
  });

  it("sends deltas when the resolver mutates and returns the same object", async () => {
    const view = { jobs: { a: { status: "draining", active: 3 } } };
    const hub = new LiveHub(() => view, { tickMs: 10 });
    const http = createServer();
    http.on("upgrade", (req, socket, head) => hub.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const ws = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/api/live`);
    cleanups.push(() => {
      ws.terminate();
      hub.close();
      http.close();
    });
    const got: { type: string; patch?: unknown }[] = [];
    ws.on("message", (m) => got.push(JSON.parse(String(m))));
    await new Promise<void>((r) => ws.once("open", () => r()));
    ws.send(JSON.stringify({ type: "subscribe", topic: "drains" }));
    await until(() => got.length === 1, 5_000, "snapshot");
    view.jobs.a.active = 0;
    view.jobs.a.status = "drained";
    await until(() => got.some((m) => m.type === "delta"), 5_000, "a delta for the in-place change");
    expect(got.find((m) => m.type === "delta")?.patch).toEqual({ jobs: { a: { status: "drained", active: 0 } } });
  });
});
