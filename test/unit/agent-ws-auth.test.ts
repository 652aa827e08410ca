import * as crypto from "node:crypto";
import * as http from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearerTokenOf, tokenMatches } from "@/agent/ws/auth.ts";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { type Harness, RawPeer, TOKEN, startHarness } from "./agent-ws-harness.ts";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

/** Status of a hand-made upgrade request (101 when accepted). */
function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url.replace(/^ws/, "http"), {
      headers: {
        ...headers,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("agent ws auth", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("refuses an upgrade without a token with 401", async () => {
    await expect(RawPeer.open(h.server.url, null)).rejects.toThrow("HTTP 401");
    expect(await upgradeStatus(h.server.url, {})).toBe(401);
  });

  it("refuses a wrong token, a token of another length and a non-Bearer scheme with 401", async () => {
    await expect(RawPeer.open(h.server.url, "wrong")).rejects.toThrow("HTTP 401");
    await expect(RawPeer.open(h.server.url, `${TOKEN}x`)).rejects.toThrow("HTTP 401");
    expect(await upgradeStatus(h.server.url, { authorization: `Basic ${TOKEN}` })).toBe(401);
    expect(h.server.clientCount).toBe(0);
  });

  it("accepts the right token and serves requests", async () => {
    expect(await upgradeStatus(h.server.url, { authorization: `Bearer ${TOKEN}` })).toBe(101);
    const peer = await h.raw();
    const reply = await peer.request({ v: 1, id: "a", type: "ping" });
    expect(reply).toMatchObject({ v: 1, id: "a", type: "pong" });
  });

  it("client reports a wrong token as unauthorized", async () => {
    const c = new AgentClient({ url: h.server.url, token: "nope", heartbeatMs: 0 });
    const err = await c.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe("unauthorized");
    expect(c.state).toBe("closed");
  });

  it("answers plain HTTP with 426 and /healthz with 200", async () => {
    const base = h.server.url.replace(/^ws/, "http");
    expect((await fetch(base)).status).toBe(426);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("compares equal-length digests with timingSafeEqual", () => {
    const spy = vi.mocked(crypto.timingSafeEqual);
    spy.mockClear();
    expect(tokenMatches("abc", "abcdef-much-longer")).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
    const [a, b] = spy.mock.calls[0]!;
    expect((a as Buffer).length).toBe(32);
    expect((b as Buffer).length).toBe(32);
  });

  it("tokenMatches is string equality (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (a, b) => {
        expect(tokenMatches(a, b)).toBe(a === b);
        expect(tokenMatches(a, a)).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(tokenMatches("", "")).toBe(false);
    expect(tokenMatches("x", undefined)).toBe(false);
  });

  it("reads Bearer tokens and nothing else", () => {
    expect(bearerTokenOf("Bearer abc")).toBe("abc");
    expect(bearerTokenOf("bearer  abc ")).toBe("abc");
    expect(bearerTokenOf("Basic abc")).toBeUndefined();
    expect(bearerTokenOf("Bearer a b")).toBeUndefined();
    expect(bearerTokenOf(undefined)).toBeUndefined();
  });
});
