// The browser's live client against a fake socket at the message level: reference counting
// of subscriptions, snapshot + merge-patch application, stale deltas, errors, reconnection.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LiveSocket, LiveClient, REFUSED_RETRY_MS } from "@/components/live/live-client.ts";
import { LIVE_CLOSE, LIVE_VERSION } from "@/protocol/live-close.ts";
import { diff } from "@/protocol/merge-patch.ts";

class FakeSocket implements LiveSocket {
  readyState = 0;
  sent: unknown[] = [];
  closed = false;
  onopen: (() => void) | null = null;
  onclose: ((ev?: { code?: number; reason?: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(data: string) {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop(code?: number, reason?: string) {
    this.readyState = 3;
    this.onclose?.(code === undefined ? undefined : { code, reason });
  }
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const client = new LiveClient({
    connect: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    backoff: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 },
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => {},
  });
  const runTimers = () => {
    for (const t of timers.splice(0)) t.fn();
  };
  return { client, sockets, timers, runTimers, last: () => sockets[sockets.length - 1]! };
}

describe("LiveClient subscriptions", () => {
  it("subscribes once per topic and unsubscribes when the last view leaves", () => {
    const { client, last, sockets } = setup();
    const offA = client.subscribe("fleet", () => {});
    const offB = client.subscribe("fleet", () => {});
    expect(sockets).toHaveLength(1);
    last().open();
    expect(last().sent).toEqual([{ type: "subscribe", topic: "fleet" }]);
    const offC = client.subscribe("drains", () => {});
    expect(client.refCount("fleet")).toBe(2);
    offA();
    offA(); // a second call of the same release does nothing
    expect(client.refCount("fleet")).toBe(1);
    expect(last().sent).toHaveLength(2);
    offB();
    expect(client.refCount("fleet")).toBe(0);
    offC();
    expect(last().sent).toEqual([
      { type: "subscribe", topic: "fleet" },
      { type: "subscribe", topic: "drains" },
      { type: "unsubscribe", topic: "fleet" },
      { type: "unsubscribe", topic: "drains" },
    ]);
  });

  it("ref counts match any interleaving of subscribe and release", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom("fleet", "drains", "director:a"), fc.boolean()), { maxLength: 60 }), (ops) => {
        const { client, last } = setup();
        const held = new Map<string, (() => void)[]>();
        client.subscribe("keepalive:x", () => {});
        last().open();
        for (const [topic, add] of ops) {
          const list = held.get(topic) ?? [];
          if (add) list.push(client.subscribe(topic, () => {}));
          else list.pop()?.();
          held.set(topic, list);
        }
        for (const [topic, list] of held) expect(client.refCount(topic)).toBe(list.length);
        // the server was told exactly about the topics that are held now
        const subscribed = new Set<string>();
        for (const m of last().sent as { type: string; topic: string }[]) {
          if (m.type === "subscribe") subscribed.add(m.topic);
          else subscribed.delete(m.topic);
        }
        const expected = new Set([...held].filter(([, l]) => l.length > 0).map(([t]) => t));
        expected.add("keepalive:x");
        expect(subscribed).toEqual(expected);
      }),
    );
  });
});

describe("LiveClient views", () => {
  it("applies a snapshot then deltas, ignores stale and premature deltas", () => {
    const { client, last } = setup();
    let notified = 0;
    client.subscribe("director:a", () => notified++);
    last().open();
    last().receive({ type: "delta", topic: "director:a", seq: 1, patch: { x: 1 } });
    expect(client.getState("director:a").ready).toBe(false);
    last().receive({ type: "snapshot", topic: "director:a", seq: 5, data: { a: 1, b: { c: 2, d: 3 } } });
    last().receive({ type: "delta", topic: "director:a", seq: 6, patch: { b: { c: null, e: 4 } } });
    last().receive({ type: "delta", topic: "director:a", seq: 6, patch: { a: 99 } });
    const s = client.getState("director:a");
    expect(s).toMatchObject({ ready: true, seq: 6, error: null, data: { a: 1, b: { d: 3, e: 4 } } });
    expect(notified).toBe(2);
  });

  it("a stream of diffs rebuilds every state", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 3 }), json, { maxKeys: 4 }), { minLength: 1, maxLength: 8 }), (states) => {
        const { client, last } = setup();
        client.subscribe("fleet", () => {});
        last().open();
        last().receive({ type: "snapshot", topic: "fleet", seq: 0, data: states[0] });
        for (let i = 1; i < states.length; i++) {
          const patch = diff(states[i - 1], states[i]);
          if (patch !== undefined) last().receive({ type: "delta", topic: "fleet", seq: i, patch });
        }
        // merge patches cannot carry nulls (they mean delete): compare without them
        const noNulls = (v: unknown): unknown =>
          v && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, noNulls(x)]))
            : v;
        // and the wire is JSON: -0 arrives as 0
        const wire = JSON.parse(JSON.stringify(states[states.length - 1]));
        expect(noNulls(client.getState("fleet").data)).toEqual(noNulls(wire));
      }),
    );
  });

  it("keeps errors per topic and ignores malformed frames", () => {
    const { client, last } = setup();
    client.subscribe("director:gone", () => {});
    last().open();
    last().onmessage?.({ data: "not json" });
    last().receive({ type: "bogus" });
    last().receive({ type: "error", topic: "director:gone", error: { code: "not_found", message: "no director gone" } });
    expect(client.getState("director:gone").error).toEqual({ code: "not_found", message: "no director gone" });
    expect(client.getState("director:gone").ready).toBe(false);
  });
});

describe("LiveClient reconnection", () => {
  it("reconnects with growing delays and subscribes again to every held topic", () => {
    const { client, sockets, timers, runTimers, last } = setup();
    const statuses: string[] = [];
    client.onStatus(() => statuses.push(client.status));
    client.subscribe("fleet", () => {});
    client.subscribe("drains", () => {});
    last().open();
    last().receive({ type: "snapshot", topic: "fleet", seq: 3, data: { directors: {} } });
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([100]);
    // the view keeps its last data while reconnecting
    expect(client.getState("fleet").data).toEqual({ directors: {} });
    runTimers();
    expect(sockets).toHaveLength(2);
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([200]);
    runTimers();
    last().open();
    expect(last().sent).toEqual([
      { type: "subscribe", topic: "fleet" },
      { type: "subscribe", topic: "drains" },
    ]);
    // a delta of the old stream (seq not above the stored one) waits for the new snapshot
    last().receive({ type: "snapshot", topic: "fleet", seq: 0, data: { directors: { a: 1 } } });
    last().receive({ type: "delta", topic: "fleet", seq: 1, patch: { directors: { b: 2 } } });
    expect(client.getState("fleet").data).toEqual({ directors: { a: 1, b: 2 } });
    last().drop();
    expect(timers.map((t) => t.ms)).toEqual([100]);
    expect(statuses).toEqual(["open", "reconnecting", "open", "reconnecting"]);
  });

  it("close() stops reconnecting", () => {
    const { client, timers, last } = setup();
    client.subscribe("fleet", () => {});
    const s = last();
    s.open();
    client.close();
    expect(s.closed).toBe(true);
    s.drop();
    expect(timers).toHaveLength(0);
  });
});

describe("LiveClient refused (4429: too many live sockets)", () => {
  it("says refused with the server's reason, waits REFUSED_RETRY_MS, then reconnects and clears it", () => {
    const { client, last, timers, runTimers, sockets } = setup();
    client.subscribe("fleet", () => {});
    last().open();
    last().drop(4429, "session has 10 live sockets open (the most allowed)");
    expect(client.status).toBe("refused");
    expect(client.refusal).toBe("session has 10 live sockets open (the most allowed)");
    expect(timers.map((t) => t.ms)).toEqual([REFUSED_RETRY_MS]);
    runTimers();
    expect(sockets.length).toBe(2);
    last().open();
    expect(client.status).toBe("open");
    expect(client.refusal).toBeNull();
    // any other close is a plain reconnect at the backoff's pace
    last().drop(1006);
    expect(client.status).toBe("reconnecting");
    expect(client.refusal).toBeNull();
    expect(timers.map((t) => t.ms)).toEqual([100]);
  });
});

describe("LiveClient and the live protocol's version", () => {
  it("a frame it cannot read marks the topic it names version_mismatch with both versions; a snapshot clears it", () => {
    const { client, last } = setup();
    client.subscribe("fleet", () => {});
    client.subscribe("drains", () => {});
    last().open();
    (last() as { protocol?: string }).protocol = "lvs-live.v2";
    last().receive({ type: "snapshot", topic: "fleet", seq: "one", data: {} });
    expect(client.getState("fleet").error).toMatchObject({ code: "version_mismatch", details: { expected: LIVE_VERSION, got: 2 } });
    expect(client.getState("fleet").error?.message).toContain(`this page (live v${LIVE_VERSION})`);
    expect(client.getState("drains").error).toBeNull();
    last().receive({ type: "snapshot", topic: "fleet", seq: 1, data: { directors: {} } });
    expect(client.getState("fleet")).toMatchObject({ ready: true, error: null, data: { directors: {} } });
  });

  it("a frame naming no topic marks every held topic", () => {
    const { client, last } = setup();
    client.subscribe("fleet", () => {});
    client.subscribe("drains", () => {});
    last().open();
    last().onmessage?.({ data: "not json" });
    for (const t of ["fleet", "drains"]) expect(client.getState(t).error).toMatchObject({ code: "version_mismatch", details: { expected: LIVE_VERSION, got: LIVE_VERSION } });
  });

  it("close code 4409 is a refusal with the server's reason, retried only after REFUSED_RETRY_MS", () => {
    const { client, last, timers } = setup();
    client.subscribe("fleet", () => {});
    last().open();
    last().drop(LIVE_CLOSE.versionMismatch, "version_mismatch: this server speaks live v2, the page v1: reload the page");
    expect(client.status).toBe("refused");
    expect(client.refusal).toBe("version_mismatch: this server speaks live v2, the page v1: reload the page");
    expect(timers.map((t) => t.ms)).toEqual([REFUSED_RETRY_MS]);
  });
});
