// NetlinkTransport on the host's real generic netlink (nlctrl exists on every Linux kernel;
// IPVS does not exist here): framing, sequence matching, pipelining, errors and close.
import { describe, expect, it } from "vitest";
import { AttrWriter } from "../../agent/netlink/attrs.ts";
import { encodeGenlRequest, GENL_ID_CTRL, interpretReplies, NetlinkError, resolveFamily } from "../../agent/netlink/genl.ts";
import { NetlinkTransport, TransportError } from "../../agent/netlink/transport.ts";

const getFamily = (name: string) =>
  encodeGenlRequest({ family: GENL_ID_CTRL, cmd: 3, attrs: new AttrWriter().string(2, name).finish() });

describe("NetlinkTransport (host nlctrl)", () => {
  it("resolves nlctrl itself and reports ENOENT for a missing family", async () => {
    const t = new NetlinkTransport({ sockets: 2, timeoutMs: 5000 });
    try {
      expect(await resolveFamily(t, "nlctrl")).toMatchObject({ id: GENL_ID_CTRL, name: "nlctrl" });
      await expect(resolveFamily(t, "NO_SUCH_FAM")).rejects.toMatchObject({ errno: 2, code: "ENOENT" });
    } finally {
      t.close();
    }
  });

  it("pipelines many requests over a pool and answers each with its own replies", async () => {
    const t = new NetlinkTransport({ sockets: 3, timeoutMs: 5000 });
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

  it("a dump ends with DONE", async () => {
    const t = new NetlinkTransport();
    try {
      const r = await t.request(encodeGenlRequest({ family: GENL_ID_CTRL, cmd: 3, flags: 0x300 }));
      expect(r.at(-1)!.readUInt16LE(4)).toBe(3);
      expect(interpretReplies("dump", r).length).toBeGreaterThan(0);
    } finally {
      t.close();
    }
  });

  it("fails requests after close instead of hanging", async () => {
    const t = new NetlinkTransport();
    t.close();
    await expect(t.request(getFamily("nlctrl"))).rejects.toBeInstanceOf(TransportError);
  });
});
