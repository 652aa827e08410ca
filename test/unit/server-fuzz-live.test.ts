// Property-based fuzzing of the browser's live WebSocket (/api/live), 10,000 messages per
// property over one signed-in socket (LVS_FUZZ_RUNS to change): random JSON, wrong types, deep
// nesting, binary frames, bad topics (unknown directors, malformed service keys, overlong).
// Every invalid message gets exactly one `error` reply and the socket stays usable; messages
// over the 64 KiB limit close that socket with 1009 and others are unaffected; the agent's
// table is unchanged (the live socket has no way to change it).
import fc from "fast-check";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveServerMessage } from "@/protocol/dashboard/index.ts";
import type { Harness } from "./agent-ws-harness.ts";
import { badSegment, deepJson } from "./server-fuzz-kit.ts";
import { DEST, SVC, SVC_KEY } from "./server-fuzz-routes.ts";
import { LivePeer, type TestServer, agents, registration, removeDir, startServer, until } from "./server-helpers.ts";

const RUNS = Number(process.env.LVS_FUZZ_RUNS ?? 10_000);
let s: TestServer;
let h: Harness;
let peer: LivePeer;

beforeAll(async () => {
  [h] = (await agents(1)) as [Harness];
  s = await startServer({ live: { tickMs: 60_000 } }); // no deltas in between: one reply per message
  await s.api("POST", "/api/directors", registration(h, "d1"));
  await until(() => s.app.fleet.get("d1").online, 10_000, "d1 online");
  await s.api("POST", "/api/directors/d1/services", SVC);
  await s.api("POST", `/api/directors/d1/services/${encodeURIComponent(SVC_KEY)}/destinations`, DEST);
  peer = await LivePeer.open(s.url);
});
afterAll(async () => {
  peer?.close();
  await s?.close();
  if (s) removeDir(s.dataDir);
  await h?.close();
});

/**
 * Sends one frame and returns the one reply it causes. A delta is never a reply: a topic the
 * interleaved property subscribed to (health:d1, fleet) may push one at any time, not only on
 * the live tick (a loaded run once took a health delta for the reply to a bad frame).
 */
async function exchange(frame: string | Buffer): Promise<LiveServerMessage> {
  const from = peer.messages.length;
  peer.ws.send(frame);
  const m = await peer.next((x) => x.type !== "delta", from, 5000);
  return LiveServerMessage.parse(m);
}

const badTopic = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "Fleet", "fleet ", "director:", "director:D1", "director:nobody", "service:d1:", "service:d1:tcp:10.9.0.9:80", "service:nobody:tcp:10.9.0.1:80", `director:${"a".repeat(400)}`, "drains\n", "health:", "health:nobody", "health:d1:", "health:d1:tcp:10.9.0.9:80", `health:nobody:${SVC_KEY}`),
  badSegment.map((k) => `service:d1:${decodeURIComponentSafe(k)}`),
);
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
const wrongTypeMessage = fc.oneof(
  fc.record({ type: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant(null)), topic: fc.constantFrom("fleet", "drains") }),
  fc.record({ type: fc.constantFrom("subscribe", "unsubscribe"), topic: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.constant(null)) }),
  fc.record({ type: fc.constant("subscribe") }),
);
const invalidFrame = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 4, arbitrary: wrongTypeMessage.map((v) => JSON.stringify(v)) },
  { weight: 4, arbitrary: badTopic.map((topic) => JSON.stringify({ type: "subscribe", topic })) },
  { weight: 1, arbitrary: deepJson.filter((t) => t.length < 60_000) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
);

describe("live WebSocket fuzz", () => {
  it(`${RUNS} invalid messages: one error reply each, the socket stays usable`, async () => {
    const before = structuredClone([...h.ipvs.services.values()]);
    await fc.assert(
      fc.asyncProperty(invalidFrame, async (frame) => {
        const r = await exchange(frame);
        // a valid subscribe to an existing topic is the only non-error answer: not generated
        expect(r.type, `${String(frame).slice(0, 200)} -> ${JSON.stringify(r).slice(0, 200)}`).toBe("error");
        if (r.type === "error") expect(["bad_request", "not_found", "too_large"]).toContain(r.error.code);
      }),
      { numRuns: RUNS },
    );
    // still subscribed to nothing, and a good subscribe works
    const snap = await exchange(JSON.stringify({ type: "subscribe", topic: `service:d1:${SVC_KEY}` }));
    expect(snap).toMatchObject({ type: "snapshot", seq: 0 });
    expect([...h.ipvs.services.values()]).toEqual(before);
  }, 600_000);

  it("valid and invalid messages interleaved: a snapshot for each good subscribe, an error for each bad one", async () => {
    const good = fc.constantFrom("fleet", "drains", "director:d1", `service:d1:${SVC_KEY}`, "health:d1").map((topic) => ({ good: true, frame: JSON.stringify({ type: "subscribe", topic }) }));
    const bad = invalidFrame.map((frame) => ({ good: false, frame }));
    await fc.assert(
      fc.asyncProperty(fc.oneof(good, bad), async ({ good: ok, frame }) => {
        const r = await exchange(frame);
        expect(r.type).toBe(ok ? "snapshot" : "error");
      }),
      { numRuns: Math.min(RUNS, 2000) },
    );
  }, 600_000);

  it("a frame over 64 KiB closes only that socket (1009); the others keep working", async () => {
    const victim = await LivePeer.open(s.url);
    const closed = new Promise<number>((r) => victim.ws.once("close", (code) => r(code)));
    victim.ws.send(JSON.stringify({ type: "subscribe", topic: "x".repeat(70 * 1024) }));
    expect(await closed).toBe(1009);
    expect(victim.ws.readyState).toBe(WebSocket.CLOSED);
    expect((await exchange(JSON.stringify({ type: "subscribe", topic: "fleet" }))).type).toBe("snapshot");
  });
});
