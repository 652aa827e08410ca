// The live socket's version handshake: the page offers "lvs-live.v<n>" as its WebSocket
// subprotocol; another version than the server's is answered at once with a version_mismatch
// error naming both versions and close code 4409 (not left to a timeout), the current one
// opens as before, and a client offering none (tools, the other tests) speaks the current one.
import { afterEach, describe, expect, it } from "vitest";
import { LIVE_CLOSE, LIVE_VERSION, liveSubprotocol } from "@/protocol/live-close.ts";
import { LivePeer, type TestServer, removeDir, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
let peer: LivePeer | undefined;
afterEach(async () => {
  peer?.close();
  await s?.close();
  if (s) removeDir(s.dataDir);
  s = undefined;
  peer = undefined;
});

const closeOf = (p: LivePeer) => new Promise<{ code: number; reason: string }>((resolve) => p.ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })));

describe("live socket version handshake", () => {
  it("another version is told version_mismatch with both versions and closed with 4409 at once", async () => {
    s = await startServer();
    const t0 = Date.now();
    peer = await LivePeer.open(s.url, undefined, [liveSubprotocol(LIVE_VERSION + 1)]);
    const closed = await closeOf(peer);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(closed.code).toBe(LIVE_CLOSE.versionMismatch);
    expect(closed.reason).toContain(`live v${LIVE_VERSION}, the page v${LIVE_VERSION + 1}`);
    expect(peer.messages).toEqual([
      { type: "error", topic: null, error: { code: "version_mismatch", message: closed.reason, details: { expected: LIVE_VERSION, got: LIVE_VERSION + 1 } } },
    ]);
  });

  it("the current version is chosen among those offered and the socket works as before", async () => {
    s = await startServer();
    peer = await LivePeer.open(s.url, undefined, ["something-else", liveSubprotocol(LIVE_VERSION + 1), liveSubprotocol(LIVE_VERSION)]);
    expect(peer.ws.protocol).toBe(liveSubprotocol(LIVE_VERSION));
    peer.send({ type: "subscribe", topic: "fleet" });
    const snap = await peer.next((m) => m["type"] === "snapshot" && m["topic"] === "fleet");
    expect(snap["data"]).toBeDefined();
  });

  it("a client offering no live version speaks the current one", async () => {
    s = await startServer();
    peer = await LivePeer.open(s.url);
    expect(peer.ws.protocol).toBe("");
    peer.send({ type: "subscribe", topic: "drains" });
    const snap = await peer.next((m) => m["type"] === "snapshot" && m["topic"] === "drains");
    expect(snap["data"]).toEqual({ jobs: {} });
  });
});
