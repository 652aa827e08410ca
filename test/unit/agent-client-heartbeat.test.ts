// AgentClient's heartbeat: a peer that stops answering pings is dropped once its oldest
// unanswered ping is heartbeatTimeoutMs old; a peer that answers late, but within that time,
// keeps its link (an agent busy for a moment with a large table read is not "offline").
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { AgentClient } from "@/protocol/node/agent-client.ts";

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A bare ws server that answers each ping after `pongDelayMs` (never when null). */
async function peer(pongDelayMs: number | null): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1", autoPong: false });
  servers.push(wss);
  wss.on("connection", (ws) => {
    ws.on("ping", (data) => {
      if (pongDelayMs !== null) setTimeout(() => ws.readyState === ws.OPEN && ws.pong(data), pongDelayMs);
    });
  });
  await new Promise((r) => wss.once("listening", r));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}


describe("AgentClient heartbeat", () => {
  it("drops a silent peer once the oldest unanswered ping is heartbeatTimeoutMs old", async () => {
    const url = await peer(null);
    let closedAt: number | null = null;
    const c = new AgentClient({ url, token: "t", heartbeatMs: 100, heartbeatTimeoutMs: 400, onStateChange: (s) => {
      if (s === "closed") closedAt = Date.now();
    } });
    await c.connect();
    const opened = Date.now();
    await new Promise((r) => setTimeout(r, 900));
    expect(closedAt).not.toBeNull();
    // first ping at ~100 ms, dropped at the tick ~400 ms later
    expect(closedAt! - opened).toBeGreaterThanOrEqual(450);
    expect(closedAt! - opened).toBeLessThanOrEqual(800);
  });

  it("keeps a peer whose pongs come late but within the timeout", async () => {
    const url = await peer(250);
    const c = new AgentClient({ url, token: "t", heartbeatMs: 100, heartbeatTimeoutMs: 400 });
    await c.connect();
    await new Promise((r) => setTimeout(r, 1200));
    expect(c.state).toBe("open");
    c.close();
  });

  it("without heartbeatTimeoutMs, a pong must come before the next ping (the old rule)", async () => {
    const url = await peer(250);
    const c = new AgentClient({ url, token: "t", heartbeatMs: 100 });
    await c.connect();
    await new Promise((r) => setTimeout(r, 800));
    expect(c.state).toBe("closed");
  });
});
