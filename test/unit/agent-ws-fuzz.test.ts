// Property: whatever JSON a peer sends, the agent answers with an error result (never crashes,
// never silently drops), keeps serving afterwards, and its table is unchanged: 10,000 cases
// each, as issue 5 asks of every endpoint.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REQUEST_TYPES } from "@/protocol/agent/catalog.ts";
import { type Harness, type RawPeer, goodCreate, startHarness } from "./agent-ws-harness.ts";

describe("agent ws fuzz", () => {
  let h: Harness;
  let peer: RawPeer;
  beforeAll(async () => {
    h = await startHarness();
    peer = await h.raw();
  });
  afterAll(async () => {
    await h.close();
  });

  it("random JSON values always get an error reply", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const r = await peer.request(value);
        expect(r).toMatchObject({ v: 1, type: "result", ok: false });
        expect(typeof (r.error as { code: unknown }).code).toBe("string");
      }),
      { numRuns: 10_000 },
    );
    expect(await peer.request(goodCreate("after-fuzz"))).toMatchObject({ id: "after-fuzz", ok: true });
  });

  it("envelopes with random payloads get exactly one reply carrying their id", async () => {
    const envelope = fc.record({
      v: fc.constantFrom(1, 1, 1, 2),
      id: fc.string({ minLength: 1, maxLength: 20 }),
      // flush and zero take an empty payload: any object is a valid request to wipe or zero
      type: fc.oneof(fc.constantFrom(...REQUEST_TYPES.filter((t) => t !== "flush" && t !== "zero")), fc.string()),
      payload: fc.jsonValue(),
    });
    const before = await h.ipvs.listServices();
    await fc.assert(
      fc.asyncProperty(envelope, async (msg) => {
        const r = await peer.request(msg);
        expect(r.id).toBe(msg.id);
        expect(["result", "pong"]).toContain(r.type);
      }),
      { numRuns: 10_000 },
    );
    // nothing a bad message did reached the (fake) kernel table
    expect(await h.ipvs.listServices()).toEqual(before);
  });
});
