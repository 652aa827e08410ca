import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AttrWriter } from "@/agent/netlink/attrs.ts";
import {
  encodeGenlRequest,
  genlAttrs,
  interpretReplies,
  NetlinkError,
  NetlinkProtocolError,
  NLM_F_DUMP,
  parseErrorMessage,
  resolveFamily,
  splitMessages,
} from "@/agent/netlink/genl.ts";
import { doneMessage, errorMessage, FakeTransport, familyReply, genlMessage, NLM_F_MULTI } from "./ipvs-fake.ts";

describe("generic netlink framing", () => {
  it("encodes nlmsghdr + genlmsghdr + attributes with REQUEST|ACK", () => {
    const attrs = new AttrWriter().u32(1, 5).finish();
    const m = encodeGenlRequest({ family: 33, cmd: 8, flags: NLM_F_DUMP, attrs });
    expect(m.readUInt32LE(0)).toBe(m.length);
    expect(m.length).toBe(16 + 4 + 8);
    expect(m.readUInt16LE(4)).toBe(33);
    expect(m.readUInt16LE(6)).toBe(0x1 | 0x4 | 0x300);
    expect([m[16], m[17], m[18], m[19]]).toEqual([8, 1, 0, 0]);
    expect(m.subarray(20)).toEqual(attrs);
  });

  it("splits a datagram into messages and decodes what it encoded (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cmd: fc.integer({ min: 0, max: 255 }), v: fc.integer({ min: 0, max: 0xffffffff }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (items) => {
          const msgs = items.map((x) => genlMessage(40, x.cmd, new AttrWriter().u32(7, x.v).finish(), NLM_F_MULTI));
          const parts = splitMessages(Buffer.concat([...msgs, doneMessage()]));
          const out = interpretReplies("t", parts);
          expect(out.map((m) => m.cmd)).toEqual(items.map((x) => x.cmd));
          expect(out.map((m) => genlAttrs(m).u32(7))).toEqual(items.map((x) => x.v));
        },
      ),
    );
  });

  it("rejects a message whose length runs past the datagram", () => {
    const m = genlMessage(40, 1, Buffer.alloc(8));
    m.writeUInt32LE(200, 0);
    expect(() => splitMessages(m)).toThrow(NetlinkProtocolError);
  });

  it("drops the ACK and stops at DONE", () => {
    const req = encodeGenlRequest({ family: 40, cmd: 4 });
    const out = interpretReplies("t", [genlMessage(40, 1, Buffer.alloc(0)), errorMessage(req, 0)]);
    expect(out).toHaveLength(1);
    expect(interpretReplies("t", [doneMessage()])).toEqual([]);
  });

  it("turns NLMSG_ERROR into NetlinkError with errno and code", () => {
    const req = encodeGenlRequest({ family: 40, cmd: 1 });
    const err = (() => {
      try {
        interpretReplies("create", [errorMessage(req, 17)]);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(NetlinkError);
    expect(err).toMatchObject({ op: "create", errno: 17, code: "EEXIST", kernelMessage: null });
  });

  it("reads the extended-ack message text", () => {
    const req = encodeGenlRequest({ family: 40, cmd: 1, attrs: Buffer.alloc(12) });
    const e = parseErrorMessage(errorMessage(req, 22, "Attribute failed policy validation"));
    expect(e).toEqual({ errno: 22, kernelMessage: "Attribute failed policy validation" });
    expect(() => interpretReplies("x", [errorMessage(req, 22, "bad")])).toThrow(/EINVAL \(bad\)/);
  });

  it("reports a dump that ended with an error in DONE", () => {
    expect(() => interpretReplies("d", [doneMessage(0, 16)])).toThrow(NetlinkError);
  });

  it("names errno 95 EOPNOTSUPP", () => {
    expect(new NetlinkError("x", 95).code).toBe("EOPNOTSUPP");
  });

  it("resolves a family through nlctrl", async () => {
    const t = new FakeTransport((req) => [familyReply(32), errorMessage(req.raw, 0)]);
    const info = await resolveFamily(t, "IPVS");
    expect(info).toMatchObject({ id: 32, name: "IPVS", version: 1 });
    expect(t.seen[0]).toMatchObject({ type: 0x10, cmd: 3 });
    expect(t.seen[0]!.attrs.toString("latin1")).toContain("IPVS\0");
  });

  it("surfaces ENOENT for an unknown family", async () => {
    const t = new FakeTransport((req) => [errorMessage(req.raw, 2)]);
    await expect(resolveFamily(t, "IPVS")).rejects.toMatchObject({ errno: 2, code: "ENOENT" });
  });
});
