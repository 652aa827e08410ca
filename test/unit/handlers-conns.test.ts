// conns.read end to end through a real agent WebSocket server: the handler module over a
// ConnTableReader reading fixture files (kernel format), progress events, a disconnect that
// cancels the read, shared reads, and query errors as bad_request.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connsHandlers, createHandlers } from "@/agent/handlers/conns.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { ConnTableReader, type OpenConnTable } from "@/agent/conntable/reader.ts";
import type { ConnEntry, ConnReadProgress } from "@/protocol/conntable.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { connEntryArb, procFile, procLine, PROC_HEADER } from "./conntable-fixtures.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";

let dir: string;
let h: Harness | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handlers-conns-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const key = (e: ConnEntry) => JSON.stringify(e, Object.keys(e).sort());

function entry(i: number, state = "ESTABLISHED", dest = "10.0.0.11"): ConnEntry {
  return {
    protocol: "TCP",
    clientAddress: `172.16.0.${2 + (i % 200)}`,
    clientPort: 10_000 + i,
    virtualAddress: "172.16.0.100",
    virtualPort: 80,
    destAddress: dest,
    destPort: 80,
    state,
    expires: i % 900,
    template: false,
  };
}

/** A table streamed one line per chunk with a pause between, recording when it is stopped. */
function slowTable(lines: string[], pauseMs: number) {
  const log = { opened: 0, aborted: 0, chunks: 0 };
  const open: OpenConnTable = async function* (_path, signal) {
    log.opened++;
    signal.addEventListener("abort", () => log.aborted++, { once: true });
    for (const line of lines) {
      if (signal.aborted) return;
      log.chunks++;
      yield new TextEncoder().encode(`${line}\n`);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  return { open, log };
}

async function harnessOver(reader: ConnTableReader): Promise<Harness> {
  return startHarness({ registry: new HandlerRegistry().use(connsHandlers(reader)) });
}

describe("conns.read handler", () => {
  it("returns every entry of a random table through the socket (file -> parse -> wire -> client)", async () => {
    const file = join(dir, "prop.conn");
    h = await harnessOver(new ConnTableReader({ path: file }));
    const c = await h.client();
    await fc.assert(
      fc.asyncProperty(fc.array(connEntryArb(), { maxLength: 40 }), async (entries) => {
        await writeFile(file, procFile(entries));
        const r = await c.request("conns.read", { limit: 1000 });
        expect(r.scanned).toBe(entries.length);
        expect(r.entries.map(key).sort()).toEqual(entries.map(key).sort());
      }),
      { numRuns: 40 },
    );
  });

  it("filters, sorts, pages and aggregates by real server like the kernel's Active/InActConn split", async () => {
    const file = join(dir, "agg.conn");
    const entries = [
      ...Array.from({ length: 7 }, (_, i) => entry(i, "ESTABLISHED", "10.0.0.11")),
      ...Array.from({ length: 5 }, (_, i) => entry(10 + i, "TIME_WAIT", "10.0.0.11")),
      ...Array.from({ length: 4 }, (_, i) => entry(20 + i, "FIN_WAIT", "10.0.0.12")),
      { ...entry(30, "UDP", "10.0.0.12"), protocol: "UDP" as const },
    ];
    await writeFile(file, procFile(entries));
    h = await harnessOver(new ConnTableReader({ path: file }));
    const c = await h.client();
    const r = await c.request("conns.read", {
      filter: { states: ["ESTABLISHED", "TIME_WAIT"] },
      sort: { by: "expires", order: "desc" },
      offset: 2,
      limit: 3,
      aggregates: { byRealServer: true, byState: true },
    });
    expect(r).toMatchObject({ scanned: 17, matched: 12, offset: 2 });
    const wanted = entries.filter((e) => e.state !== "FIN_WAIT" && e.protocol === "TCP").map((e) => e.expires);
    expect(r.entries.map((e) => e.expires)).toEqual(wanted.sort((a, b) => b - a).slice(2, 5));
    const rs = r.aggregates.byRealServer ?? [];
    expect(rs.find((x) => x.address === "10.0.0.11")).toMatchObject({ active: 7, inactive: 5, templates: 0 });
    expect(rs.find((x) => x.address === "10.0.0.12")).toBeUndefined(); // filtered out
  });

  it("sends conns.progress events while it reads and a final done:true before the result", async () => {
    const lines = [PROC_HEADER, ...Array.from({ length: 8 }, (_, i) => procLine(entry(i)))];
    const { open } = slowTable(lines, 15);
    h = await harnessOver(new ConnTableReader({ path: "fixture", open, progressIntervalMs: 20 }));
    const c = await h.client();
    const seen: ConnReadProgress[] = [];
    const r = await c.request("conns.read", {}, { onEvent: (d) => seen.push(d as ConnReadProgress) });
    expect(r.scanned).toBe(8);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toMatchObject({ entries: 8, done: true });
    expect(seen.slice(0, -1).every((p) => !p.done)).toBe(true);
    const counts = seen.map((p) => p.entries);
    expect([...counts].sort((a, b) => a - b)).toEqual(counts); // monotonic
  });

  it("a client that disconnects mid-read stops the read of the table", async () => {
    const lines = [PROC_HEADER, ...Array.from({ length: 200 }, (_, i) => procLine(entry(i)))];
    const { open, log } = slowTable(lines, 10);
    h = await harnessOver(new ConnTableReader({ path: "fixture", open }));
    const c = await h.client();
    const pending = c.request("conns.read", {}).catch((e: unknown) => e);
    while (log.chunks < 3) await new Promise((r) => setTimeout(r, 5));
    c.close();
    expect(await pending).toBeInstanceOf(Error);
    const deadline = Date.now() + 2000;
    while (log.aborted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(log.aborted).toBe(1);
    const chunksAtAbort = log.chunks;
    await new Promise((r) => setTimeout(r, 100));
    expect(log.chunks).toBe(chunksAtAbort);
    expect(chunksAtAbort).toBeLessThan(lines.length);
  });

  it("a request past its deadline answers timeout and stops the read", async () => {
    const lines = [PROC_HEADER, ...Array.from({ length: 200 }, (_, i) => procLine(entry(i)))];
    const { open, log } = slowTable(lines, 10);
    h = await harnessOver(new ConnTableReader({ path: "fixture", open }));
    const c = await h.client();
    const err = await c.request("conns.read", {}, { deadlineMs: 150 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe("timeout");
    await new Promise((r) => setTimeout(r, 50));
    expect(log.aborted).toBe(1);
  });

  it("two concurrent viewers share one read of the table", async () => {
    const lines = [PROC_HEADER, ...Array.from({ length: 20 }, (_, i) => procLine(entry(i)))];
    const { open, log } = slowTable(lines, 5);
    h = await harnessOver(new ConnTableReader({ path: "fixture", open }));
    const [a, b] = [await h.client(), await h.client()];
    const first = a.request("conns.read", { limit: 1000 });
    while (log.chunks < 4) await new Promise((r) => setTimeout(r, 2));
    const second = b.request("conns.read", { limit: 1000 });
    const [ra, rb] = await Promise.all([first, second]);
    expect(log.opened).toBe(1);
    expect(ra.scanned).toBe(20);
    expect(rb.entries.map(key).sort()).toEqual(ra.entries.map(key).sort());
  });

  it("a bad client filter is bad_request; a missing table is unavailable with the reason", async () => {
    const file = join(dir, "one.conn");
    await writeFile(file, procFile([entry(1)]));
    h = await harnessOver(new ConnTableReader({ path: file }));
    const c = await h.client();
    const bad = await c.request("conns.read", { filter: { client: "10.0.0.0/99" } }).catch((e: unknown) => e);
    expect((bad as ProtocolError).code).toBe("bad_request");
    await h.close();
    h = await startHarness({
      registry: new HandlerRegistry().use(createHandlers({ role: "director", ipvs: null, host: { connTablePath: join(dir, "absent") } })),
    });
    const c2 = await h.client();
    const missing = await c2.request("conns.read", {}).catch((e: unknown) => e);
    expect((missing as ProtocolError).code).toBe("unavailable");
    expect((missing as ProtocolError).message).toMatch(/ip_vs/);
  });

  it("registers nothing on a realserver agent", () => {
    expect(Object.keys(createHandlers({ role: "realserver", ipvs: null }))).toEqual([]);
    expect(Object.keys(createHandlers({ role: "director", ipvs: null }))).toEqual(["conns.read"]);
  });
});
