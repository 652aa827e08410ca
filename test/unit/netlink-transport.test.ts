// NetlinkTransport on the host's real generic netlink (nlctrl exists on every Linux kernel;
// IPVS does not exist here): framing, sequence matching, pipelining, errors and close, on both
// I/O paths: synchronous syscalls on the socket's descriptor (the default) and the addon's
// asynchronous delivery (synchronousIo: false, also the fallback when a read finds nothing).
import { describe, expect, it } from "vitest";
import { AttrWriter } from "@/agent/netlink/attrs.ts";
import { encodeGenlRequest, GENL_ID_CTRL, interpretReplies, NetlinkError, repliesFailed, resolveFamily } from "@/agent/netlink/genl.ts";
import { BATCH_WRITE_MESSAGES, NetlinkTransport, TransportError } from "@/agent/netlink/transport.ts";

const getFamily = (name: string) =>
  encodeGenlRequest({ family: GENL_ID_CTRL, cmd: 3, attrs: new AttrWriter().string(2, name).finish() });

describe.each([
  { mode: "synchronous I/O", synchronousIo: true },
  { mode: "the addon's asynchronous I/O", synchronousIo: false },
])("NetlinkTransport (host nlctrl) over $mode", ({ synchronousIo }) => {
  it("uses the I/O path it was asked for", () => {
    const t = new NetlinkTransport({ sockets: 2, synchronousIo });
    try {
      expect(t.synchronous).toBe(synchronousIo);
    } finally {
      t.close();
    }
  });

  it("resolves nlctrl itself and reports ENOENT for a missing family", async () => {
    const t = new NetlinkTransport({ sockets: 2, timeoutMs: 5000, synchronousIo });
    try {
      expect(await resolveFamily(t, "nlctrl")).toMatchObject({ id: GENL_ID_CTRL, name: "nlctrl" });
      await expect(resolveFamily(t, "NO_SUCH_FAM")).rejects.toMatchObject({ errno: 2, code: "ENOENT" });
    } finally {
      t.close();
    }
  });

  it("pipelines many requests over a pool and answers each with its own replies", async () => {
    const t = new NetlinkTransport({ sockets: 3, timeoutMs: 5000, synchronousIo });
    try {
      const names = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? "nlctrl" : `missing${i}`));
      const replies = await t.requestAll(names.map(getFamily));
      names.forEach((n, i) => {
        if (n === "nlctrl") expect(interpretReplies("x", replies[i]!)).toHaveLength(1);
        else expect(() => interpretReplies("x", replies[i]!)).toThrow(NetlinkError);
      });
      // concurrent single requests share the pool without mixing answers
      const many = await Promise.all(names.slice(0, 12).map((n) => t.request(getFamily(n))));
      expect(many.map((r) => r.length)).toEqual(names.slice(0, 12).map((n) => (n === "nlctrl" ? 2 : 1)));
    } finally {
      t.close();
    }
  });

  it("requestBatch: many requests per write, each answered in order; stopOnError skips later writes", async () => {
    const t = new NetlinkTransport({ sockets: 2, timeoutMs: 5000, synchronousIo });
    try {
      // 150 requests = 3 writes of up to BATCH_WRITE_MESSAGES; index 70 (second write) fails
      const names = Array.from({ length: 150 }, (_, i) => (i === 70 ? "NO_SUCH_FAM" : i % 2 ? "nlctrl" : "NO_SUCH_FAM_OK"));
      const good = (i: number) => names[i] === "nlctrl";
      const all = await t.requestBatch(names.map(getFamily));
      expect(all).toHaveLength(150);
      all.forEach((r, i) => {
        expect(r).not.toBeNull();
        expect(repliesFailed(r!)).toBe(!good(i));
        if (good(i)) expect(interpretReplies("x", r!)[0]!.raw.readUInt16LE(4)).toBe(GENL_ID_CTRL);
      });
      const onlyGood = names.map((n) => (n === "NO_SUCH_FAM_OK" ? "nlctrl" : n));
      const stopped = await t.requestBatch(onlyGood.map(getFamily), { stopOnError: true });
      const w = BATCH_WRITE_MESSAGES;
      // the kernel finishes the write that holds the failure; later writes are not sent
      stopped.forEach((r, i) => {
        if (i >= 2 * w) expect(r).toBeNull();
        else expect(repliesFailed(r!)).toBe(onlyGood[i] !== "nlctrl");
      });
      expect(stopped.filter((r) => r !== null)).toHaveLength(2 * w);
      expect(await t.requestBatch([])).toEqual([]);
    } finally {
      t.close();
    }
  });

  it("requestAll onReplies: each request's replies as soon as complete, none kept; a throw fails the call", async () => {
    const t = new NetlinkTransport({ sockets: 3, timeoutMs: 5000, synchronousIo });
    try {
      const names = Array.from({ length: 20 }, (_, i) => (i % 2 ? "nlctrl" : `missing${i}`));
      const seen = new Map<number, number>();
      const results = await t.requestAll(names.map(getFamily), { onReplies: (i, r) => seen.set(i, r.length) });
      expect(results).toEqual(names.map(() => []));
      expect([...seen.keys()].sort((a, b) => a - b)).toEqual(names.map((_, i) => i));
      for (const [i, n] of names.entries()) expect(seen.get(i)).toBe(n === "nlctrl" ? 2 : 1);
      const failing = t.requestAll(names.map(getFamily), {
        onReplies: (i) => {
          if (i === 5) throw new Error("decoder refused reply 5");
        },
      });
      await expect(failing).rejects.toThrow("decoder refused reply 5");
      // the pool still works afterwards
      expect(interpretReplies("x", await t.request(getFamily("nlctrl")))).toHaveLength(1);
    } finally {
      t.close();
    }
  });

  it("a dump ends with DONE", async () => {
    const t = new NetlinkTransport({ synchronousIo });
    try {
      const r = await t.request(encodeGenlRequest({ family: GENL_ID_CTRL, cmd: 3, flags: 0x300 }));
      expect(r.at(-1)!.readUInt16LE(4)).toBe(3);
      expect(interpretReplies("dump", r).length).toBeGreaterThan(0);
    } finally {
      t.close();
    }
  });

  it("fails requests after close instead of hanging", async () => {
    const t = new NetlinkTransport({ synchronousIo });
    t.close();
    await expect(t.request(getFamily("nlctrl"))).rejects.toBeInstanceOf(TransportError);
  });
});
