import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ipv6FromGroups } from "@/agent/conntable/address.ts";
import { ConnParseError, ConnTableParser, MAX_LINE, parseConnStream } from "@/agent/conntable/parse.ts";
import { type ConnEntry, ConnEntry as ConnEntrySchema, isInvalidatedTemplate } from "@/protocol/conntable.ts";
import { PROC_HEADER, connEntryArb, procFile, procLine } from "./conntable-fixtures.ts";

function parseAll(text: string | Buffer, chunkSizes: number[] = [65536]): ConnEntry[] {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  const parser = new ConnTableParser();
  const out: ConnEntry[] = [];
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const size = Math.max(1, chunkSizes[i++ % chunkSizes.length]!);
    parser.feed(bytes.subarray(pos, pos + size), (e) => out.push(e));
    pos += size;
  }
  parser.end((e) => out.push(e));
  return out;
}

const base = { virtualAddress: undefined, fwmark: undefined, peName: undefined, peData: undefined };

describe("parsing kernel lines observed on 6.1 (reference 3.3)", () => {
  const observed = [
    PROC_HEADER,
    "TCP AC100002 CD0E AC100001 0050 0A000002 1F90 CLOSE             3",
    "TCP C0000200 0000 CB007105 0050 0A000002 1F90 NONE             28",
    "IP  C0000201 0000 00000009 0000 0A000002 0000 NONE             59",
    "TCP 2001:0db8:0001:0000:0000:0000:0000:0002 D0CA 2001:0db8:0001:0000:0000:0000:0000:0001 0050 2001:0db8:0002:0000:0000:0000:0000:0002 1F90 TIME_WAIT       118",
    "UDP C0000200 0000 CB007105 FFFF 0A000002 FFFF ASSURED          12",
    "UDP 0A000001 13C4 0A000064 13C4 0A000002 13C4 UDP             299 sip abc123@host",
  ].join("\n");

  it("decodes addresses, ports, state, expiry and template flags", () => {
    const entries = parseAll(`${observed}\n`);
    expect(entries).toEqual([
      { ...base, protocol: "TCP", clientAddress: "172.16.0.2", clientPort: 52494, virtualAddress: "172.16.0.1", virtualPort: 80, destAddress: "10.0.0.2", destPort: 8080, state: "CLOSE", expires: 3, template: false },
      { ...base, protocol: "TCP", clientAddress: "192.0.2.0", clientPort: 0, virtualAddress: "203.0.113.5", virtualPort: 80, destAddress: "10.0.0.2", destPort: 8080, state: "NONE", expires: 28, template: true },
      { ...base, protocol: "IP", clientAddress: "192.0.2.1", clientPort: 0, fwmark: 9, virtualPort: 0, destAddress: "10.0.0.2", destPort: 0, state: "NONE", expires: 59, template: true },
      { ...base, protocol: "TCP", clientAddress: "2001:db8:1::2", clientPort: 53450, virtualAddress: "2001:db8:1::1", virtualPort: 80, destAddress: "2001:db8:2::2", destPort: 8080, state: "TIME_WAIT", expires: 118, template: false },
      { ...base, protocol: "UDP", clientAddress: "192.0.2.0", clientPort: 0, virtualAddress: "203.0.113.5", virtualPort: 65535, destAddress: "10.0.0.2", destPort: 65535, state: "ASSURED", expires: 12, template: true },
      { ...base, protocol: "UDP", clientAddress: "10.0.0.1", clientPort: 5060, virtualAddress: "10.0.0.100", virtualPort: 5060, destAddress: "10.0.0.2", destPort: 5060, state: "UDP", expires: 299, peName: "sip", peData: "abc123@host", template: false },
    ]);
    expect(entries.map(isInvalidatedTemplate)).toEqual([false, false, false, false, true, false]);
    for (const e of entries) expect(ConnEntrySchema.safeParse(e).success).toBe(true);
  });

  it("handles a mixed IPv6 client with an IPv4 destination and an IPv6 fwmark template", () => {
    const v6 = "2001:0db8:0000:0000:0000:0000:0000:0007";
    const lines = [
      `TCP ${v6} 1F40 2001:0db8:0000:0000:0000:0000:0000:0001 0050 0A000002 0050 ESTABLISHED    899`,
      `IP  ${v6} 0000 0000:0009:0000:0000:0000:0000:0000:0000 0000 ${v6} 0000 NONE            300`,
    ];
    const [mixed, mark] = parseAll(`${PROC_HEADER}\n${lines.join("\n")}\n`);
    expect(mixed).toMatchObject({ clientAddress: "2001:db8::7", virtualAddress: "2001:db8::1", destAddress: "10.0.0.2", state: "ESTABLISHED", expires: 899 });
    expect(mark).toMatchObject({ protocol: "IP", fwmark: 9, virtualAddress: undefined, template: true });
  });

  it("accepts every protocol name, including IP_<n>, and unknown state names verbatim", () => {
    const mk = (proto: string, state: string) => `${proto.padEnd(3)} 0A000001 1234 0A000064 0050 0A000002 0050 ${state.padEnd(11)}       5`;
    const text = ["SCTP:C-ECHOED", "ICMP:ERR!", "ICMPv6:?", "IP_47:NONE", "TCP:NEW_STATE"].map((s) => mk(...(s.split(":") as [string, string]))).join("\n");
    expect(parseAll(text).map((e) => `${e.protocol}:${e.state}`)).toEqual(["SCTP:C-ECHOED", "ICMP:ERR!", "ICMPv6:?", "IP_47:NONE", "TCP:NEW_STATE"]);
  });

  it("writes IPv6 like inet_ntop, including the embedded IPv4 forms", () => {
    expect(ipv6FromGroups([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])).toBe("::ffff:1.2.3.4");
    expect(ipv6FromGroups([0, 0, 0, 0, 0, 0, 0x0102, 0x0304])).toBe("::1.2.3.4");
    expect(ipv6FromGroups([0, 0, 0, 0, 0, 0, 0, 1])).toBe("::1");
    expect(ipv6FromGroups([0, 0, 0, 0, 0, 0, 0, 0])).toBe("::");
    expect(ipv6FromGroups([1, 0, 2, 0, 0, 3, 0, 0])).toBe("1:0:2::3:0:0");
    expect(ipv6FromGroups([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1])).toBe("2001:db8:0:1:1:1:1:1");
  });
});

describe("malformed input", () => {
  it.each([
    ["too few columns", "TCP 0A000001 1234 0A000064 0050 0A000002 0050"],
    ["bad hex", "TCP 0A00000G 1234 0A000064 0050 0A000002 0050 NONE 5"],
    ["short port", "TCP 0A000001 123 0A000064 0050 0A000002 0050 NONE 5"],
    ["bad address length", "TCP 0A0001 1234 0A000064 0050 0A000002 0050 NONE 5"],
    ["unknown protocol", "XYZ 0A000001 1234 0A000064 0050 0A000002 0050 NONE 5"],
    ["bad expiry", "TCP 0A000001 1234 0A000064 0050 0A000002 0050 NONE 5x"],
  ])("throws ConnParseError on %s, with the line number", (_what, line) => {
    const err = (() => {
      try {
        parseAll(`${PROC_HEADER}\n${line}\n`);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConnParseError);
    expect((err as ConnParseError).lineNumber).toBe(2);
  });

  it("refuses an endless line instead of buffering it", () => {
    const parser = new ConnTableParser();
    const noop = () => {};
    expect(() => {
      for (let i = 0; i < 10; i++) parser.feed(Buffer.alloc(MAX_LINE / 4, 65), noop);
    }).toThrow(ConnParseError);
  });
});

describe("properties", () => {
  it("format -> parse round-trips any entry, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.array(connEntryArb(), { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }), (entries, chunks) => {
        expect(parseAll(procFile(entries), chunks)).toEqual(entries);
      }),
      { numRuns: 300 },
    );
  });

  it("each parsed entry satisfies the protocol schema", () => {
    fc.assert(
      fc.property(connEntryArb(), (e) => {
        const [parsed] = parseAll(procLine(e));
        expect(ConnEntrySchema.parse(parsed)).toEqual(e);
      }),
    );
  });

  it("parseConnStream yields the same entries from a Node stream", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(connEntryArb(), { maxLength: 40 }), fc.integer({ min: 1, max: 97 }), async (entries, size) => {
        const bytes = Buffer.from(procFile(entries));
        const chunks: Buffer[] = [];
        for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
        const out: ConnEntry[] = [];
        for await (const batch of parseConnStream(Readable.from(chunks))) out.push(...batch);
        expect(out).toEqual(entries);
      }),
      { numRuns: 50 },
    );
  });
});
