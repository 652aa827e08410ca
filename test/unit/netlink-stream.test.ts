// Streaming generic netlink (genl-stream.ts, Transport.streamAll) and the socket descriptor
// lookup behind synchronous I/O, on the host's real nlctrl family. The IPVS listing built on
// them runs against the real kernel in the lab (test/lab/ipvs-*.test.ts).
import { fstatSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AttrWriter } from "@/agent/netlink/attrs.ts";
import {
  CTRL_CMD_GETFAMILY,
  GENL_ID_CTRL,
  NLM_F_DUMP,
  NLMSG_DONE,
  NLMSG_ERROR,
  NetlinkError,
  encodeGenlRequest,
  resolveFamily,
} from "@/agent/netlink/genl.ts";
import { RequestBlockWriter, endsReply, findTopAttr, streamRequests } from "@/agent/netlink/genl-stream.ts";
import { findNetlinkSocketFd, netlinkSocketInode } from "@/agent/netlink/socket-fd.ts";
import { NetlinkTransport, type Transport } from "@/agent/netlink/transport.ts";

const CTRL = { id: GENL_ID_CTRL, name: "nlctrl", version: 2, hdrsize: 0, maxattr: 0 };
const nameAttrs = (name: string) => new AttrWriter().string(2, name).finish();

/** A block of GETFAMILY requests by name (plain gets, or one dump when `dump`). */
function getFamilyBlock(names: string[], dump = false) {
  const w = new RequestBlockWriter(CTRL, CTRL_CMD_GETFAMILY, dump ? NLM_F_DUMP : 0, 2);
  for (const name of names) {
    const attrs = dump ? Buffer.alloc(0) : nameAttrs(name);
    w.add(attrs.length, (b, at) => at + attrs.copy(b, at));
  }
  return w.finish();
}

describe("RequestBlockWriter", () => {
  it("writes exactly the bytes encodeGenlRequest writes, request after request (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }), fc.boolean(), (bodies, dump) => {
        const w = new RequestBlockWriter(CTRL, CTRL_CMD_GETFAMILY, dump ? NLM_F_DUMP : 0, 1);
        for (const body of bodies) w.add(body.length, (b, at) => at + Buffer.from(body).copy(b, at));
        const { bytes, starts } = w.finish();
        expect(starts).toHaveLength(bodies.length + 1);
        bodies.forEach((body, i) => {
          const want = encodeGenlRequest({ family: GENL_ID_CTRL, cmd: CTRL_CMD_GETFAMILY, version: 2, flags: dump ? NLM_F_DUMP : 0, attrs: Buffer.from(body) });
          expect(bytes.subarray(starts[i]!, starts[i]! + want.length).equals(want)).toBe(true);
          expect(starts[i + 1]! - starts[i]!).toBe((want.length + 3) & ~3);
        });
      }),
    );
  });

  it("refuses a writer that goes past the room it asked for", () => {
    const w = new RequestBlockWriter(CTRL, CTRL_CMD_GETFAMILY, 0, 1);
    expect(() => w.add(4, (_b, at) => at + 400)).toThrow(RangeError);
  });
});

describe("endsReply and findTopAttr", () => {
  const msg = (type: number, payload: Buffer) => {
    const b = Buffer.alloc(16 + payload.length);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(type, 4);
    payload.copy(b, 16);
    return b;
  };
  it("a clean DONE or ACK ends a reply; an errno in either throws NetlinkError", () => {
    const done = msg(NLMSG_DONE, Buffer.alloc(4));
    expect(endsReply("x", done, 0, done.length)).toBe(true);
    const failedDump = msg(NLMSG_DONE, Buffer.from([0xfd, 0xff, 0xff, 0xff])); // -3
    expect(() => endsReply("x", failedDump, 0, failedDump.length)).toThrow(expect.objectContaining({ errno: 3, op: "x" }));
    const ack = msg(NLMSG_ERROR, Buffer.alloc(4 + 16));
    expect(endsReply("x", ack, 0, ack.length)).toBe(true);
    const nak = msg(NLMSG_ERROR, Buffer.concat([Buffer.from([0xef, 0xff, 0xff, 0xff]), Buffer.alloc(16)])); // -17
    expect(() => endsReply("x", nak, 0, nak.length)).toThrow(NetlinkError);
    const data = msg(0x10, Buffer.alloc(4));
    expect(endsReply("x", data, 0, data.length)).toBe(false);
  });

  it("finds a top-level attribute inside a larger buffer and rejects a bad length", () => {
    const attrs = new AttrWriter().u32(1, 7).string(2, "nlctrl").finish();
    const m = Buffer.concat([Buffer.alloc(8), encodeGenlRequest({ family: 16, cmd: 1, attrs })]);
    const at = findTopAttr(m, 8, m.length, 2);
    expect(m.toString("latin1", at + 4, at + m.readUInt16LE(at) - 1)).toBe("nlctrl");
    expect(findTopAttr(m, 8, m.length, 9)).toBe(-1);
    m.writeUInt16LE(200, 8 + 20);
    expect(() => findTopAttr(m, 8, m.length, 2)).toThrow(/length 200/);
  });
});

describe("socket descriptor lookup", () => {
  it("reads the inode of a socket from /proc/net/netlink's table", () => {
    const table = [
      "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode",
      "0000000000000000 0   4242       00000000 0        0        0     2        0        111",
      "0000000000000000 16  4242       00000000 0        0        0     2        0        222",
    ].join("\n");
    expect(netlinkSocketInode(table, 16, 4242)).toBe(222);
    expect(netlinkSocketInode(table, 16, 4243)).toBeNull();
    expect(netlinkSocketInode("garbage", 16, 4242)).toBeNull();
  });

  it("finds nothing for a port no socket of ours holds", () => {
    expect(findNetlinkSocketFd(16, 0x7ffffffe)).toBeNull();
  });

  it("finds the descriptor of a live transport socket: a socket inode", async () => {
    const t = new NetlinkTransport({ sockets: 1 });
    try {
      expect(t.synchronous).toBe(true);
      const table = (await import("node:fs")).readFileSync("/proc/net/netlink", "utf8");
      const ours = table.split("\n").filter((l) => l.trim().split(/\s+/)[2] !== undefined && l.trim().split(/\s+/)[1] === "16");
      const fds = ours.map((l) => findNetlinkSocketFd(16, Number(l.trim().split(/\s+/)[2]))).filter((fd) => fd !== null);
      expect(fds.length).toBeGreaterThan(0);
      for (const fd of fds) expect(fstatSync(fd!).isSocket()).toBe(true);
    } finally {
      t.close();
    }
  });
});

describe.each([
  { mode: "synchronous I/O", synchronousIo: true },
  { mode: "asynchronous I/O", synchronousIo: false },
])("Transport.streamAll over $mode", ({ synchronousIo }) => {
  it("hands every reply message to the sink under its request's index, in place", async () => {
    const t = new NetlinkTransport({ sockets: 3, synchronousIo, timeoutMs: 5000 });
    try {
      const names = Array.from({ length: 90 }, (_, i) => (i % 3 === 0 ? "nlctrl" : `missing${i}`));
      const seen = names.map(() => [] as number[]);
      let failures = 0;
      await t.streamAll!(getFamilyBlock(names), (i, b, start, end) => {
        seen[i]!.push(b.readUInt16LE(start + 4));
        try {
          endsReply("get", b, start, end);
        } catch (e) {
          expect(e).toMatchObject({ errno: 2 });
          failures++;
        }
      });
      names.forEach((n, i) => {
        expect(seen[i]).toEqual(n === "nlctrl" ? [GENL_ID_CTRL, NLMSG_ERROR] : [NLMSG_ERROR]);
      });
      expect(failures).toBe(60);
    } finally {
      t.close();
    }
  });

  it("streams a whole dump up to its DONE; the fallback for transports without streamAll agrees", async () => {
    const t = new NetlinkTransport({ synchronousIo });
    try {
      const families = async (transport: Transport) => {
        const ids: number[] = [];
        await streamRequests(transport, getFamilyBlock(["*"], true), (_i, b, start, end) => {
          if (endsReply("dump", b, start, end)) return;
          const a = findTopAttr(b, start, end, 1);
          ids.push(b.readUInt16LE(a + 4));
        });
        return ids;
      };
      const streamed = await families(t);
      expect(streamed).toContain(GENL_ID_CTRL);
      const plain: Transport = { request: (m, o) => t.request(m, o), requestAll: (m, o) => t.requestAll(m, o), close: () => {} };
      expect(await families(plain)).toEqual(streamed);
    } finally {
      t.close();
    }
  });

  it("a throwing sink fails the call, and the transport still answers afterwards", async () => {
    const t = new NetlinkTransport({ sockets: 2, synchronousIo, timeoutMs: 5000 });
    try {
      const call = t.streamAll!(getFamilyBlock(Array(20).fill("nlctrl")), (i) => {
        if (i === 7) throw new Error("sink refused 7");
      });
      await expect(call).rejects.toThrow("sink refused 7");
      expect(await resolveFamily(t, "nlctrl")).toMatchObject({ id: GENL_ID_CTRL });
    } finally {
      t.close();
    }
  });
});

it("a long synchronous run of requests lets the event loop in (heartbeats keep going)", async () => {
  const t = new NetlinkTransport({ sockets: 1, timeoutMs: 60_000 });
  try {
    expect(t.synchronous).toBe(true);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const before = ticks;
    const started = performance.now();
    await t.streamAll!(getFamilyBlock(Array(50_000).fill("nlctrl")), () => {});
    const took = performance.now() - started;
    clearInterval(timer);
    // 50,000 requests are far more than one 20 ms slice; the timer ran in the gaps
    expect(took).toBeGreaterThan(40);
    expect(ticks - before).toBeGreaterThan(0);
  } finally {
    t.close();
  }
});
