// The live hub alone: a socket that stops reading is dropped once its send queue passes the
// bound, instead of the server buffering without limit; other sockets keep their deltas.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { afterEach, describe, it } from "vitest";
import { LiveHub } from "../../server/live/hub.ts";
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
});
