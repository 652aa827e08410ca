// The browser's live client reading views with the topic catalog's schemas: a snapshot or a
// patched view that fails its schema shows version_mismatch with both versions and the issues
// over the last good data (never a crash, never a silent drop); nulls dropped by patches read
// back as null; unchanged parts stay the same objects; frames received while the schemas'
// chunk loads wait for it in order; a chunk that fails to load refuses views, visibly.
import { describe, expect, it } from "vitest";
import { LiveClient } from "@/components/live/live-client.ts";
import { readTopicView, type TopicViewReader } from "@/protocol/dashboard/topic-schemas.ts";
import { LIVE_VERSION } from "@/protocol/live-close.ts";
import { diff } from "@/protocol/merge-patch.ts";
import { openLiveSocket } from "./live-fakes.ts";

function setup(views: TopicViewReader | Promise<TopicViewReader> = readTopicView, protocol?: string) {
  const socket = openLiveSocket(protocol);
  const client = new LiveClient({ connect: () => socket, views });
  return { client, socket };
}

const traffic = { cps: 1, inPps: 2, outPps: 3, inBps: 4, outBps: 5, activeConns: 6, inactiveConns: 7 };
const health = (error: string | null, time: number | null = 1) => ({
  director: "d1",
  status: "active",
  error,
  scriptChecksAllowed: false,
  time,
  services: {},
});

describe("LiveClient reading views with their schemas", () => {
  it("a snapshot that fails its schema is version_mismatch with both versions and the issues; nothing shown", () => {
    const { client, socket } = setup(readTopicView, "lvs-live.v1");
    client.subscribe("health:d1", () => {});
    socket.receive({ type: "snapshot", topic: "health:d1", seq: 0, data: { director: "d1", status: "sleeping" } });
    const s = client.getState("health:d1");
    expect(s.ready).toBe(false);
    expect(s.data).toBeUndefined();
    expect(s.error).toMatchObject({ code: "version_mismatch", details: { expected: LIVE_VERSION, got: 1 } });
    const issues = (s.error?.details as { issues: string[] } | undefined)?.issues ?? [];
    expect(issues.some((i) => i.startsWith("status:"))).toBe(true);
    expect(issues.length).toBeLessThanOrEqual(6);
    expect(s.error?.message).toContain("health:d1");
  });

  it("a delta whose patched view fails keeps the last good data; the next readable delta (against the refused view) clears it", () => {
    const { client, socket } = setup(readTopicView, "lvs-live.v3");
    let notified = 0;
    client.subscribe("health:d1", () => notified++);
    socket.receive({ type: "snapshot", topic: "health:d1", seq: 0, data: health("x") });
    const good = client.getState("health:d1").data;
    socket.receive({ type: "delta", topic: "health:d1", seq: 1, patch: { status: "sleeping", error: "y" } });
    let s = client.getState("health:d1");
    expect(s).toMatchObject({ ready: true, seq: 1, data: health("x"), error: { code: "version_mismatch", details: { expected: LIVE_VERSION, got: 3 } } });
    expect(s.data).toBe(good);
    // the server's last view is the refused one: the next patch applies to it
    socket.receive({ type: "delta", topic: "health:d1", seq: 2, patch: { status: "offline" } });
    s = client.getState("health:d1");
    expect(s).toMatchObject({ ready: true, seq: 2, error: null, data: { ...health("y"), status: "offline" } });
    expect(notified).toBe(3);
  });

  it("nulls a merge patch dropped read back as null (the exact view type)", () => {
    const { client, socket } = setup();
    client.subscribe("health:d1", () => {});
    socket.receive({ type: "snapshot", topic: "health:d1", seq: 0, data: health("down", 5) });
    socket.receive({ type: "delta", topic: "health:d1", seq: 1, patch: diff(health("down", 5), health(null, null)) });
    expect(client.getState("health:d1")).toMatchObject({ error: null, data: health(null, null) });
  });

  it("parts a delta did not change stay the same objects", () => {
    const { client, socket } = setup();
    const view = (cps: number) => ({ time: 1, total: { ...traffic, cps }, destinations: { a: traffic, b: traffic } });
    client.subscribe("service:d1:tcp:10.0.0.1:80", () => {});
    socket.receive({ type: "snapshot", topic: "service:d1:tcp:10.0.0.1:80", seq: 0, data: view(1) });
    const before = client.getState("service:d1:tcp:10.0.0.1:80").data as ReturnType<typeof view>;
    socket.receive({ type: "delta", topic: "service:d1:tcp:10.0.0.1:80", seq: 1, patch: { total: { cps: 9 } } });
    const after = client.getState("service:d1:tcp:10.0.0.1:80").data as ReturnType<typeof view>;
    expect(after.total.cps).toBe(9);
    expect(after.destinations).toBe(before.destinations);
    expect(after).not.toBe(before);
  });

  it("frames wait for the schemas' chunk and are read in their order once it is there", async () => {
    let load: (r: TopicViewReader) => void = () => {};
    const { client, socket } = setup(new Promise<TopicViewReader>((resolve) => (load = resolve)));
    client.subscribe("health:d1", () => {});
    socket.receive({ type: "snapshot", topic: "health:d1", seq: 0, data: health("a") });
    socket.receive({ type: "delta", topic: "health:d1", seq: 1, patch: { error: "b" } });
    socket.receive({ type: "delta", topic: "health:d1", seq: 2, patch: { error: null, time: 7 } });
    expect(client.loadingViews).toBe(true);
    expect(client.getState("health:d1").ready).toBe(false);
    load(readTopicView);
    await Promise.resolve();
    await Promise.resolve();
    expect(client.loadingViews).toBe(false);
    expect(client.getState("health:d1")).toMatchObject({ ready: true, seq: 2, error: null, data: health(null, 7) });
  });

  it("a chunk that fails to load refuses every view as version_mismatch, without a crash", async () => {
    const { client, socket } = setup(Promise.reject(new Error("ChunkLoadError")));
    client.subscribe("fleet", () => {});
    socket.receive({ type: "snapshot", topic: "fleet", seq: 0, data: { directors: {} } });
    await new Promise((r) => setTimeout(r, 0));
    const s = client.getState("fleet");
    expect(s.error).toMatchObject({ code: "version_mismatch" });
    expect(((s.error?.details as { issues: string[] } | undefined)?.issues ?? [])[0]).toContain("ChunkLoadError");
  });

  it("a topic outside the catalog is passed as it is", () => {
    const { client, socket } = setup();
    client.subscribe("keepalive:x", () => {});
    socket.receive({ type: "snapshot", topic: "keepalive:x", seq: 0, data: { any: 1 } });
    expect(client.getState("keepalive:x")).toMatchObject({ ready: true, error: null, data: { any: 1 } });
  });
});
