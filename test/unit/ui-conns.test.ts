// The connection page's NDJSON stream reader (lines split anywhere across chunks) and its
// filter -> URL parameter mapping.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { connsQueryParams, NO_FILTERS } from "@/components/conns/conns-query.ts";
import { ndjsonLines } from "@/components/conns/ndjson.ts";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const ch of chunks) c.enqueue(ch);
      c.close();
    },
  });
}

async function collect(s: ReadableStream<Uint8Array>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of ndjsonLines(s)) out.push(v);
  return out;
}

describe("ndjsonLines", () => {
  it("yields every line whatever the chunk boundaries (UTF-8 included)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        async (values, cuts, trailingNewline) => {
          const text = values.map((v) => JSON.stringify(v)).join("\n") + (trailingNewline ? "\n" : "");
          const bytes = new TextEncoder().encode(text.length === 0 ? "" : `${text}`);
          const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
          const chunks: Uint8Array[] = [];
          let prev = 0;
          for (const p of [...points, bytes.length]) {
            chunks.push(bytes.slice(prev, p));
            prev = p;
          }
          // JSON.stringify(-0) is "0": compare with what JSON itself round-trips
          expect(await collect(streamOf(chunks))).toEqual(values.map((v) => JSON.parse(JSON.stringify(v))));
        },
      ),
    );
  });

  it("throws on a malformed line", async () => {
    await expect(collect(streamOf([new TextEncoder().encode('{"a":1}\n{oops\n')]))).rejects.toThrow();
  });
});

describe("connsQueryParams", () => {
  it("asks for aggregates and the page, nothing else without filters", () => {
    expect(connsQueryParams(NO_FILTERS, 0).toString()).toBe("offset=0&limit=1000&byState=1&byRealServer=1");
  });
  it("maps every filter to the server's parameter names", () => {
    const p = connsQueryParams(
      { protocol: "tcp", state: "established, fin_wait", client: " 10.0.0.0/8 ", vip: "172.16.0.100:80", realServer: "10.0.1.11", templates: "exclude", sort: "expires", order: "desc" },
      2,
      100,
    );
    expect(Object.fromEntries(p)).toEqual({
      protocol: "TCP",
      state: "ESTABLISHED,FIN_WAIT",
      client: "10.0.0.0/8",
      vip: "172.16.0.100:80",
      realServer: "10.0.1.11",
      templates: "exclude",
      sort: "expires",
      order: "desc",
      offset: "200",
      limit: "100",
      byState: "1",
      byRealServer: "1",
    });
    expect(connsQueryParams({ ...NO_FILTERS, vip: "fwmark 7" }, 0).get("fwmark")).toBe("7");
  });
});
