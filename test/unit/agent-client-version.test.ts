// AgentClient and a peer it cannot read: a reply of another protocol version (or a malformed
// one) rejects its request at once as version_mismatch with both versions, never by timeout.
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { PROTOCOL_VERSION } from "@/protocol/agent/catalog.ts";
import { ProtocolError } from "@/protocol/errors.ts";

const servers: WebSocketServer[] = [];
const clients: AgentClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  for (const s of servers.splice(0)) s.close();
});

/** A bare ws server answering every request with `reply(id)`. */
async function peer(reply: (id: string) => unknown): Promise<string> {
  const wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
  servers.push(wss);
  wss.on("connection", (ws) => {
    ws.on("message", (data) => {
      const { id } = JSON.parse(String(data)) as { id: string };
      ws.send(JSON.stringify(reply(id)));
    });
  });
  await new Promise((r) => wss.once("listening", r));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

async function failureOf(url: string): Promise<{ err: unknown; ms: number }> {
  const c = new AgentClient({ url, token: "t", heartbeatMs: 0 });
  clients.push(c);
  await c.connect();
  const t0 = Date.now();
  const err = await c.request("service.list", {}, { deadlineMs: 30_000 }).catch((e: unknown) => e);
  return { err, ms: Date.now() - t0 };
}

describe("AgentClient version mismatch", () => {
  it("rejects a reply of another protocol version at once, naming both versions", async () => {
    const url = await peer((id) => ({ v: 99, id, type: "result", ok: true, data: [] }));
    const { err, ms } = await failureOf(url);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe("version_mismatch");
    expect((err as ProtocolError).details).toMatchObject({ expected: PROTOCOL_VERSION, got: 99 });
    expect(ms).toBeLessThan(2_000);
  });

  it("rejects a malformed reply of its own version as version_mismatch too", async () => {
    const url = await peer((id) => ({ v: PROTOCOL_VERSION, id, type: "result", ok: "yes" }));
    const { err, ms } = await failureOf(url);
    expect((err as ProtocolError).code).toBe("version_mismatch");
    expect((err as ProtocolError).details).toMatchObject({ expected: PROTOCOL_VERSION, got: PROTOCOL_VERSION });
    expect(ms).toBeLessThan(2_000);
  });
});
