// Every kind of bad input gets exactly one error reply, and the same connection then still
// serves a good request.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { requestIdPeek } from "@/agent/ws/connection.ts";
import { type Harness, type RawPeer, SVC, goodCreate, startHarness } from "./agent-ws-harness.ts";

describe("agent ws: bad input", () => {
  let h: Harness;
  let peer: RawPeer;
  let n = 0;
  beforeAll(async () => {
    h = await startHarness({ maxMessageBytes: 64 * 1024 });
    peer = await h.raw();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.ipvs.services.clear();
  });
  afterEach(async () => {
    // the agent still serves a good request on the same connection after each bad one
    h.ipvs.services.clear();
    const id = `good-${++n}`;
    expect(await peer.request(goodCreate(id))).toMatchObject({ id, ok: true, data: {} });
    expect(h.ipvs.services.size).toBe(1);
  });

  const errorOf = (r: Record<string, unknown>) => r.error as { code: string; message: string; details?: unknown };

  it("malformed JSON -> bad_request with id null", async () => {
    peer.send("{not json");
    const r = await peer.next();
    expect(r).toMatchObject({ v: 1, type: "result", ok: false, id: null });
    expect(errorOf(r).code).toBe("bad_request");
  });

  it("non-object JSON and a missing id -> bad_request", async () => {
    for (const text of ["[1,2]", "42", "null", '"s"', '{"v":1,"type":"ping"}', '{"v":1,"id":"","type":"ping"}']) {
      peer.send(text);
      const r = await peer.next();
      expect(r.ok).toBe(false);
      expect(errorOf(r).code).toBe("bad_request");
    }
  });

  it("wrong version -> version_mismatch with the id", async () => {
    const r = await peer.request({ v: 2, id: "v2", type: "ping" });
    expect(r).toMatchObject({ id: "v2", ok: false });
    expect(errorOf(r)).toMatchObject({ code: "version_mismatch", details: { expected: 1, got: 2 } });
  });

  it("unknown type -> unsupported with the id", async () => {
    const r = await peer.request({ v: 1, id: "u1", type: "service.explode", payload: {} });
    expect(r).toMatchObject({ id: "u1", ok: false });
    expect(errorOf(r).code).toBe("unsupported");
    const proto = await peer.request({ v: 1, id: "u2", type: "__proto__" });
    expect(errorOf(proto).code).toBe("unsupported");
  });

  it.each([
    ["bad address", { key: { ...SVC, address: "10.1.1.300" }, config: { scheduler: "rr" } }, "key.address"],
    ["bad port", { key: { ...SVC, port: 65536 }, config: { scheduler: "rr" } }, "key.port"],
    ["bad scheduler", { key: SVC, config: { scheduler: "fastest" } }, "config.scheduler"],
    ["bad protocol", { key: { ...SVC, protocol: "icmp" }, config: { scheduler: "rr" } }, "key.protocol"],
  ])("%s -> bad_request naming the field, kernel untouched", async (_name, payload, path) => {
    const r = await peer.request({ v: 1, id: "p", type: "service.create", payload });
    expect(r).toMatchObject({ id: "p", ok: false });
    const err = errorOf(r);
    expect(err.code).toBe("bad_request");
    expect((err.details as { path: string }[]).map((d) => d.path)).toContain(path);
    expect(h.ipvs.services.size).toBe(0);
  });

  it("bad deadline -> bad_request", async () => {
    const r = await peer.request({ v: 1, id: "d", type: "ipvs.info", deadlineMs: -5 });
    expect(errorOf(r).code).toBe("bad_request");
  });

  it("binary frame -> bad_request", async () => {
    peer.send(Buffer.from(JSON.stringify(goodCreate("bin"))));
    const r = await peer.next();
    expect(errorOf(r).code).toBe("bad_request");
  });

  it("message above the limit -> too_large, connection stays open", async () => {
    peer.send(JSON.stringify({ v: 1, id: "big", type: "ping", payload: { pad: "x".repeat(100 * 1024) } }));
    const r = await peer.next();
    expect(errorOf(r).code).toBe("too_large");
    // the id is peeked from the envelope so the client can fail that request at once
    expect((r as { id: unknown }).id).toBe("big");
    peer.send(JSON.stringify({ payload: { pad: "x".repeat(100 * 1024) }, v: 1, id: "late" }));
    expect(((await peer.next()) as { id: unknown }).id).toBeNull();
    expect(peer.closeCode).toBeNull();
  });

  it("kernel errors map to protocol codes (conflict, not_found)", async () => {
    expect(await peer.request(goodCreate("c1"))).toMatchObject({ ok: true });
    const dup = await peer.request(goodCreate("c2"));
    expect(errorOf(dup)).toMatchObject({ code: "conflict", details: { errno: "EEXIST" } });
    const missing = await peer.request({
      v: 1, id: "m", type: "service.delete", payload: { key: { ...SVC, port: 81 } },
    });
    expect(errorOf(missing)).toMatchObject({ code: "not_found", details: { errno: "ESRCH" } });
  });

  it("deadline exceeded -> timeout; late result is not sent", async () => {
    h.ipvs.delayMs = 300;
    try {
      const r = await peer.request({ v: 1, id: "slow", type: "ipvs.info", deadlineMs: 50 });
      expect(r).toMatchObject({ id: "slow", ok: false });
      expect(errorOf(r).code).toBe("timeout");
      await new Promise((res) => setTimeout(res, 350));
      expect(peer.queue).toEqual([]);
    } finally {
      h.ipvs.delayMs = 0;
    }
  });

  it("a known but unimplemented type -> unsupported", async () => {
    const r = await peer.request({ v: 1, id: "cr", type: "conns.read", payload: {} });
    expect(r).toMatchObject({ id: "cr", ok: false });
    expect(errorOf(r).code).toBe("unsupported");
  });
});

describe("agent ws: hard frame limit and roles", () => {
  it("a frame above the hard cap closes that connection with 1009; the agent keeps serving", async () => {
    const h = await startHarness({ maxMessageBytes: 1024, hardMaxFrameBytes: 4096 });
    try {
      const bad = await h.raw();
      bad.send("x".repeat(10_000));
      await new Promise((r) => bad.ws.once("close", r));
      expect(bad.closeCode).toBe(1009);
      const good = await h.raw();
      expect(await good.request(goodCreate("after"))).toMatchObject({ id: "after", ok: true });
    } finally {
      await h.close();
    }
  });

  it("a realserver agent answers forbidden to IPVS messages and serves sysctl handlers", async () => {
    const registry = new HandlerRegistry().register("sysctl.get", async () => ({
      values: { "net.ipv4.conf.all.arp_ignore": "1" },
    }));
    const h = await startHarness({ role: "realserver", registry });
    try {
      const peer = await h.raw();
      const r = await peer.request(goodCreate("rs"));
      expect((r.error as { code: string }).code).toBe("forbidden");
      const s = await peer.request({ v: 1, id: "s", type: "sysctl.get", payload: {} });
      expect(s).toMatchObject({ ok: true, data: { values: { "net.ipv4.conf.all.arp_ignore": "1" } } });
      const vip = await peer.request({ v: 1, id: "vip", type: "vip.list", payload: {} });
      expect((vip.error as { code: string }).code).toBe("unsupported");
    } finally {
      await h.close();
    }
  });
});

describe("requestIdPeek", () => {
  it("finds the id only in a leading envelope, never parsing the rest", () => {
    const peek = (s: string) => requestIdPeek(Buffer.from(s));
    expect(peek('{"v":1,"id":"r-7","type":"rules.import","payload":{}}')).toBe("r-7");
    expect(peek('{"id":"a.b:c_d-1"')).toBe("a.b:c_d-1");
    expect(peek('{ "v" : 1 , "type":"ping", "deadlineMs": 5000, "id" : "x" }')).toBe("x");
    expect(peek('{"payload":{"id":"inner"},"id":"outer"}')).toBeNull();
    expect(peek('{"v":1,"id":"has\\"quote"}')).toBeNull();
    expect(peek(`{"v":1,"id":"${"i".repeat(129)}"}`)).toBeNull();
    expect(peek("not json")).toBeNull();
  });
});
