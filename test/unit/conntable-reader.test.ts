import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnParseError } from "@/agent/conntable/parse.ts";
import { ConnQueryError } from "@/agent/conntable/query.ts";
import { ConnReadAbortedError, ConnReadError, ConnTableReader, type OpenConnTable, readFileChunks, readOverlapped } from "@/agent/conntable/reader.ts";
import type { ConnEntry, ConnReadProgress } from "@/protocol/conntable.ts";
import { connEntryArb, procFile } from "./conntable-fixtures.ts";

let dir: string;
let fixture: string;
let entries: ConnEntry[];
let fileSize: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "conntable-reader-"));
  fixture = join(dir, "ip_vs_conn");
  entries = fc.sample(connEntryArb(), { numRuns: 2000, seed: 42 });
  const text = procFile(entries);
  fileSize = Buffer.byteLength(text);
  await writeFile(fixture, text);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Opens the real file in small chunks with a pause between them; counts opens and closes. */
function slowOpen(pauseMs = 2, chunk = 4096) {
  const stats = { opens: 0, finished: 0, closed: 0 };
  const open: OpenConnTable = async function* (path, signal) {
    stats.opens++;
    try {
      for await (const c of createReadStream(path, { highWaterMark: chunk, signal })) {
        await new Promise((r) => setTimeout(r, pauseMs));
        yield c as Buffer;
      }
      stats.finished++;
    } finally {
      stats.closed++;
    }
  };
  return { open, stats };
}

async function collect(reader: ConnTableReader, opts: Parameters<ConnTableReader["read"]>[1] = {}) {
  const out: ConnEntry[] = [];
  const summary = await reader.read((b) => out.push(...b), opts);
  return { out, summary };
}

describe("reading a fixture file", () => {
  it("parses every entry of the file at the injected path", async () => {
    const reader = new ConnTableReader({ path: fixture });
    const { out, summary } = await collect(reader);
    expect(out).toEqual(entries);
    expect(summary).toEqual({ bytes: fileSize, entries: entries.length });
    expect(reader.busy).toBe(false);
  });

  it("runs queries over the read", async () => {
    const reader = new ConnTableReader({ path: fixture });
    const r = await reader.query({ filter: { protocols: ["UDP"] }, limit: 5 });
    const udp = entries.filter((e) => e.protocol === "UDP");
    expect(r.matched).toBe(udp.length);
    expect(r.entries).toEqual(udp.slice(0, 5));
  });

  it("reports a missing file as ConnReadError and a bad line as ConnParseError", async () => {
    await expect(new ConnTableReader({ path: join(dir, "absent") }).query({})).rejects.toBeInstanceOf(ConnReadError);
    const bad = join(dir, "bad");
    await writeFile(bad, "Pro header\nTCP nonsense\n");
    await expect(new ConnTableReader({ path: bad }).query({})).rejects.toBeInstanceOf(ConnParseError);
  });

  it("validates the query before opening the file", async () => {
    const { open, stats } = slowOpen();
    const reader = new ConnTableReader({ path: fixture, open });
    await expect(reader.query({ filter: { client: "300.1.1.1/8" } })).rejects.toBeInstanceOf(ConnQueryError);
    expect(stats.opens).toBe(0);
  });
});

describe("the default chunked reader", () => {
  it("returns the file's bytes in order, whatever the buffer size (each chunk valid until the next)", async () => {
    const whole = await readFile(fixture);
    for (const size of [8193, 9000, 65536]) {
      const parts: Uint8Array[] = [];
      for await (const c of readFileChunks(fixture, new AbortController().signal, size)) parts.push(Buffer.from(c));
      expect(parts.length).toBeGreaterThan(size < whole.length ? 1 : 0);
      expect(Buffer.concat(parts).equals(whole)).toBe(true);
    }
  });

  it("readOverlapped (a cat child does the reads) yields the file's bytes; without cat it falls back", async () => {
    const whole = await readFile(fixture);
    const all = async () => {
      const parts: Buffer[] = [];
      for await (const c of readOverlapped(fixture, new AbortController().signal)) parts.push(Buffer.from(c));
      return Buffer.concat(parts);
    };
    expect((await all()).equals(whole)).toBe(true);
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent-dir";
    try {
      expect((await all()).equals(whole)).toBe(true);
    } finally {
      process.env.PATH = path;
    }
    await expect(readOverlapped(join(dir, "missing"), new AbortController().signal).next()).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("readOverlapped stops (and its child goes away) on abort or an early break", async () => {
    const ac = new AbortController();
    let chunks = 0;
    for await (const _ of readOverlapped("/dev/zero", ac.signal)) {
      if (++chunks === 3) ac.abort();
    }
    expect(chunks).toBe(3);
    let n = 0;
    for await (const _ of readOverlapped("/dev/zero", new AbortController().signal)) if (++n === 2) break;
    expect(n).toBe(2);
  });

  it("stops at the next chunk once aborted", async () => {
    const ac = new AbortController();
    let chunks = 0;
    for await (const _ of readFileChunks(fixture, ac.signal, 9000)) {
      chunks++;
      ac.abort();
    }
    expect(chunks).toBe(1);
  });
});

describe("sharing one read between concurrent viewers", () => {
  it("two concurrent requests cause one open and both get every entry", async () => {
    const { open, stats } = slowOpen();
    const reader = new ConnTableReader({ path: fixture, open });
    const [a, b] = await Promise.all([collect(reader), collect(reader)]);
    expect(stats.opens).toBe(1);
    expect(a.out).toEqual(entries);
    expect(b.out).toEqual(entries);
  });

  it("a request joining mid-read gets the part already read, then the rest (one open)", async () => {
    const { open, stats } = slowOpen(3, 1000);
    const reader = new ConnTableReader({ path: fixture, open });
    const first = collect(reader);
    let seenByFirst = 0;
    const firstProgress = new Promise<void>((resolve) => {
      void reader.read(() => {
        seenByFirst++;
        if (seenByFirst === 5) resolve();
      });
    });
    await firstProgress;
    const late = await reader.query({ sort: { by: "expires" }, limit: 50, aggregates: { byState: true } });
    const early = await first;
    expect(stats.opens).toBe(1);
    expect(early.out).toEqual(entries);
    expect(late.scanned).toBe(entries.length);
    expect(late.entries).toEqual([...entries].sort((x, y) => x.expires - y.expires).slice(0, 50));
  });

  it("past the replay limit a late request waits for the next read, shared by every late request", async () => {
    const { open, stats } = slowOpen(3, 1000);
    // 4 chunks of 1000 bytes may be kept; the fixture is far larger
    const reader = new ConnTableReader({ path: fixture, open, maxReplayBytes: 4000 });
    let firstBatches = 0;
    let lateStarted!: () => void;
    const overflowed = new Promise<void>((r) => {
      lateStarted = r;
    });
    const first = reader.read(() => {
      if (++firstBatches === 8) lateStarted();
    });
    await overflowed;
    expect(stats.opens).toBe(1);
    const [late1, late2] = await Promise.all([collect(reader), collect(reader)]);
    await first;
    // the late ones got the whole table from one second read, not a replay
    expect(stats.opens).toBe(2);
    expect(late1.out).toEqual(entries);
    expect(late2.out).toEqual(entries);
    expect(reader.busy).toBe(false);
  });

  it("within the replay limit a late request still joins the read in flight", async () => {
    const { open, stats } = slowOpen(3, 1000);
    const reader = new ConnTableReader({ path: fixture, open, maxReplayBytes: fileSize });
    let n = 0;
    let go!: () => void;
    const started = new Promise<void>((r) => {
      go = r;
    });
    const first = reader.read(() => {
      if (++n === 8) go();
    });
    await started;
    const late = await collect(reader);
    await first;
    expect(stats.opens).toBe(1);
    expect(late.out).toEqual(entries);
  });

  it("a queued read whose requests all cancel never opens the file", async () => {
    const { open, stats } = slowOpen(3, 1000);
    const reader = new ConnTableReader({ path: fixture, open, maxReplayBytes: 1000 });
    let n = 0;
    let go!: () => void;
    const started = new Promise<void>((r) => {
      go = r;
    });
    const first = reader.read(() => {
      if (++n === 4) go();
    });
    await started;
    const ac = new AbortController();
    const queued = collect(reader, { signal: ac.signal });
    ac.abort();
    await expect(queued).rejects.toBeInstanceOf(ConnReadAbortedError);
    await first;
    expect(stats.opens).toBe(1);
    expect(reader.busy).toBe(false);
  });

  it("after a read completes, the next request reads again: no caching, no timer", async () => {
    const { open, stats } = slowOpen(0);
    const reader = new ConnTableReader({ path: fixture, open });
    await collect(reader);
    await new Promise((r) => setTimeout(r, 300));
    expect(stats.opens).toBe(1); // nothing read on its own
    await collect(reader);
    expect(stats.opens).toBe(2);
  });
});

describe("cancellation", () => {
  it("one viewer cancelling leaves the other reading to the end", async () => {
    const { open, stats } = slowOpen();
    const reader = new ConnTableReader({ path: fixture, open });
    const ac = new AbortController();
    const cancelled = collect(reader, { signal: ac.signal });
    const kept = collect(reader);
    setTimeout(() => ac.abort(), 10);
    await expect(cancelled).rejects.toBeInstanceOf(ConnReadAbortedError);
    expect((await kept).out).toEqual(entries);
    expect(stats.finished).toBe(1);
  });

  it("the last viewer cancelling stops the read itself", async () => {
    const { open, stats } = slowOpen(5);
    const reader = new ConnTableReader({ path: fixture, open });
    const ac = new AbortController();
    const p = collect(reader, { signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(p).rejects.toBeInstanceOf(ConnReadAbortedError);
    expect(reader.busy).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(stats.finished).toBe(0); // stopped before the end of the file
    expect(stats.closed).toBe(1);
  });

  it("an already aborted signal never opens the file", async () => {
    const { open, stats } = slowOpen();
    const reader = new ConnTableReader({ path: fixture, open });
    await expect(collect(reader, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ConnReadAbortedError);
    expect(stats.opens).toBe(0);
  });
});

describe("progress", () => {
  it("reports bytes and entries at most once per interval, then a final done report", async () => {
    const { open } = slowOpen(0, 1000);
    let clock = 0;
    // each call advances the fake clock by 30 ms: a report is due every fourth chunk
    const reader = new ConnTableReader({ path: fixture, open, now: () => (clock += 30), progressIntervalMs: 100 });
    const reports: ConnReadProgress[] = [];
    await collect(reader, { onProgress: (p) => reports.push(p) });
    const last = reports.at(-1)!;
    expect(last).toEqual({ bytes: fileSize, entries: entries.length, done: true });
    const chunks = Math.ceil(fileSize / 1000);
    expect(reports.length).toBe(Math.floor(chunks / 4) + 1);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.bytes).toBeGreaterThan(reports[i - 1]!.bytes);
      expect(reports[i]!.entries).toBeGreaterThanOrEqual(reports[i - 1]!.entries);
    }
    expect(reports.slice(0, -1).every((p) => !p.done)).toBe(true);
  });
});
