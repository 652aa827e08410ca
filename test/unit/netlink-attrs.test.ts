import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AttrError, AttrMap, AttrWriter, decodeAttrList, NLA_F_NESTED } from "@/agent/netlink/attrs.ts";

type Leaf =
  | { kind: "u8"; type: number; v: number }
  | { kind: "u16"; type: number; v: number }
  | { kind: "u32"; type: number; v: number }
  | { kind: "u64"; type: number; v: bigint }
  | { kind: "u16be"; type: number; v: number }
  | { kind: "u32be"; type: number; v: number }
  | { kind: "string"; type: number; v: string }
  | { kind: "binary"; type: number; v: Uint8Array };
type Node = Leaf | { kind: "nested"; type: number; children: Node[] };

const type = fc.integer({ min: 0, max: 0x3fff });
const leaf: fc.Arbitrary<Leaf> = fc.oneof(
  fc.record({ kind: fc.constant("u8" as const), type, v: fc.integer({ min: 0, max: 0xff }) }),
  fc.record({ kind: fc.constant("u16" as const), type, v: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant("u32" as const), type, v: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant("u64" as const), type, v: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) }),
  fc.record({ kind: fc.constant("u16be" as const), type, v: fc.integer({ min: 0, max: 0xffff }) }),
  fc.record({ kind: fc.constant("u32be" as const), type, v: fc.integer({ min: 0, max: 0xffffffff }) }),
  fc.record({ kind: fc.constant("string" as const), type, v: fc.string({ maxLength: 20 }).filter((s) => !s.includes("\0")) }),
  fc.record({ kind: fc.constant("binary" as const), type, v: fc.uint8Array({ maxLength: 40 }) }),
);
const tree = fc.letrec<{ node: Node; nodes: Node[] }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant("nested" as const), type, children: tie("nodes") }),
  ),
  nodes: fc.array(tie("node"), { maxLength: 5 }),
})).nodes;

function write(w: AttrWriter, nodes: Node[]): void {
  for (const n of nodes) {
    if (n.kind === "nested") w.nested(n.type, (c) => write(c, n.children));
    else (w[n.kind] as (t: number, v: unknown) => AttrWriter).call(w, n.type, n.v);
  }
}

function check(buf: Buffer, start: number, end: number, nodes: Node[]): void {
  const list = decodeAttrList(buf, start, end);
  expect(list.map((a) => a.type)).toEqual(nodes.map((n) => n.type));
  for (const [i, a] of list.entries()) {
    const n = nodes[i]!;
    // Read each attribute through an AttrMap over just that attribute.
    const off = a.payload.byteOffset - buf.byteOffset;
    const m = new AttrMap(buf, off - 4, off + a.payload.length);
    if (n.kind === "nested") check(buf, off, off + a.payload.length, n.children);
    else if (n.kind === "u64") {
      expect(m.u64(n.type)).toBe(n.v);
      if (n.v < 2n ** 53n) expect(m.u64n(n.type)).toBe(Number(n.v));
    } else if (n.kind === "binary") expect(Buffer.from(m.binary(n.type))).toEqual(Buffer.from(n.v));
    else expect(m[n.kind](n.type)).toBe(n.v);
  }
}

describe("netlink attributes", () => {
  it("round-trips any tree of attributes", () => {
    fc.assert(
      fc.property(tree, (nodes) => {
        const w = new AttrWriter(8);
        write(w, nodes);
        const buf = w.finish();
        expect(buf.length % 4).toBe(0);
        check(buf, 0, buf.length, nodes);
      }),
      { numRuns: 500 },
    );
  });

  it("writes the kernel layout: length incl. header, type, zero padding", () => {
    const b = new AttrWriter().u8(13, 1).u16be(4, 80).string(6, "wlc").finish();
    expect(b.toString("hex")).toBe("05000d0001000000060004000050000008000600776c6300");
  });

  it("masks the nested and byte-order flag bits off the type", () => {
    const b = Buffer.from([8, 0, 0x01, 0x80 | 0x40, 1, 2, 3, 4]);
    const [a] = decodeAttrList(b);
    expect(a?.type).toBe(1);
    expect(a?.rawType).toBe(0x01 | NLA_F_NESTED | 0x4000);
    expect(new AttrMap(b).u32be(1)).toBe(0x01020304);
  });

  it("tolerates a last attribute without its trailing padding", () => {
    const padded = new AttrWriter().u32(1, 7).u8(2, 9).finish();
    const unpadded = padded.subarray(0, padded.length - 3);
    const m = new AttrMap(unpadded);
    expect(m.u32(1)).toBe(7);
    expect(m.u8(2)).toBe(9);
  });

  it("lets the last duplicate win in the map and keeps all in the list", () => {
    const b = new AttrWriter().u32(3, 1).u32(3, 2).finish();
    expect(new AttrMap(b).u32(3)).toBe(2);
    expect(decodeAttrList(b)).toHaveLength(2);
  });

  it("reads strings up to the NUL, or to the end if the NUL is missing", () => {
    const b = Buffer.from([7, 0, 6, 0, 0x72, 0x72, 0x00, 0, 6, 0, 2, 0, 0x73, 0x68]);
    const m = new AttrMap(b);
    expect(m.string(6)).toBe("rr");
    expect(m.string(2)).toBe("sh");
  });

  it("throws AttrError on truncated or inconsistent input", () => {
    expect(() => new AttrMap(Buffer.from([9, 0, 1, 0, 1, 2, 3, 4]))).toThrow(AttrError);
    expect(() => new AttrMap(Buffer.from([3, 0, 1, 0]))).toThrow(AttrError);
    const m = new AttrMap(new AttrWriter().u16(1, 5).finish());
    expect(() => m.u32(1)).toThrow(AttrError);
    expect(() => m.u16(2)).toThrow(/missing/);
  });

  it("never reads out of bounds: random bytes either decode or throw AttrError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const buf = Buffer.from(bytes);
        try {
          const m = new AttrMap(buf);
          for (const t of m.types()) {
            for (const get of ["u8", "u16", "u32", "u64", "string", "binary"] as const) {
              try {
                m[get](t);
              } catch (e) {
                expect(e).toBeInstanceOf(AttrError);
              }
            }
            try {
              m.nested(t);
            } catch (e) {
              expect(e).toBeInstanceOf(AttrError);
            }
          }
        } catch (e) {
          expect(e).toBeInstanceOf(AttrError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
