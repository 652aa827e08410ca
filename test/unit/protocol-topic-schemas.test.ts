// The topic catalog's schemas against the live protocol's deltas: any sequence of valid views
// of a kind, sent as the hub sends them (changeFrame(): merge patches, a snapshot where a patch
// would lose a null) and applied by the page's live client with its reader, reads back as
// exactly each view, nulls included; the strict schemas alone would refuse patched views.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LiveClient } from "@/components/live/live-client.ts";
import { TOPIC_SCHEMAS, deltaLosesNull, readTopicView } from "@/protocol/dashboard/topic-schemas.ts";
import { type TopicKind, topics } from "@/protocol/dashboard/topics.ts";
import { apply, diff } from "@/protocol/merge-patch.ts";
import { changeFrame } from "@/server/live/hub.ts";
import { openLiveSocket } from "./live-fakes.ts";
import { arbitraryOf } from "./zod-arbitrary.ts";

const TOPIC: Record<TopicKind, string> = {
  fleet: topics.fleet(),
  drains: topics.drains(),
  groups: topics.groups(),
  director: topics.director("d1"),
  service: topics.service("d1", "tcp:10.0.0.1:80"),
  health: topics.health("d1"),
  healthLatency: topics.healthLatency("d1", "tcp:10.0.0.1:80"),
};

const wire = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe("topic schemas and merge-patch deltas", () => {
  for (const kind of Object.keys(TOPIC) as TopicKind[]) {
    it(`${kind}: views sent as the hub sends them read back exactly, nulls restored`, () => {
      const schema = TOPIC_SCHEMAS[kind];
      fc.assert(
        fc.property(fc.array(arbitraryOf(schema), { minLength: 1, maxLength: 6 }), (generated) => {
          const views = generated.map(wire);
          for (const v of views) expect(schema.safeParse(v).success).toBe(true); // the arbitrary is valid
          const socket = openLiveSocket();
          const client = new LiveClient({ connect: () => socket, views: readTopicView });
          const topic = TOPIC[kind];
          client.subscribe(topic, () => {});
          socket.onopen?.();
          socket.receive({ type: "snapshot", topic, seq: 0, data: views[0] });
          let last = views[0];
          let seq = 0;
          for (const view of views.slice(1)) {
            const frame = changeFrame(topic, last, view, seq + 1);
            if (frame === undefined) continue;
            seq++;
            last = view;
            socket.receive(frame);
            const state = client.getState(topic);
            expect(state.error).toBeNull();
            expect(state.seq).toBe(seq);
            expect(state.data).toEqual(schema.parse(view));
          }
        }),
        { numRuns: 60 },
      );
    });
  }

  it("the strict schema refuses a patched view whose null field the patch dropped (what the tolerance is for)", () => {
    const before = { time: 1, status: "active", error: "down", director: "d1", scriptChecksAllowed: false, services: {} };
    const after = { ...before, error: null };
    const patched = apply(before, diff(before, after));
    expect(patched).not.toHaveProperty("error");
    expect(TOPIC_SCHEMAS.health.safeParse(patched).success).toBe(false);
    expect(readTopicView(TOPIC.health, patched)).toEqual({ ok: true, view: after });
  });

  it("a null a record entry would lose is sent as a snapshot (groups: a VIP nobody holds)", () => {
    const group = (owner: string | null) => ({
      groups: { g: { name: "g", members: {}, desired: null, master: null, splitBrain: false, vipOwners: { "10.0.0.100/32": owner }, drifted: [] } },
    });
    const patch = diff(group("d1"), group(null));
    expect(deltaLosesNull("groups", patch, group(null))).toEqual(["groups", "g", "vipOwners", "10.0.0.100/32"]);
    expect(changeFrame(TOPIC.groups, group("d1"), group(null), 4)).toEqual({ type: "snapshot", topic: TOPIC.groups, seq: 4, data: group(null) });
    // a null object field reads back: a delta
    const g2 = { groups: { g: { ...group("d1").groups.g, master: "d1" } } };
    expect(changeFrame(TOPIC.groups, g2, group("d1"), 5)).toMatchObject({ type: "delta", seq: 5 });
  });
});
