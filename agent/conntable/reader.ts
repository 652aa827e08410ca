// The connection-table reader service. Reading /proc/net/ip_vs_conn is expensive in the
// kernel (each read() restarts a hash walk; 100k entries took 28 s under TCG), so:
// - one read per request, never on a timer;
// - concurrent requests share the read in flight: a request arriving mid-read gets the part
//   already read replayed from the raw bytes kept for that read, then the live rest; only the
//   first maxReplayBytes of a read are kept (at 200,000 entries the whole table is ~20 MB that
//   the agent's RSS would keep after the read), so past that a late request waits for the
//   next read, which starts when the current one ends and is shared by every such request;
// - each viewer gets the parsed entry batches and runs its own query over them;
// - progress (bytes, entries) at most every ~100 ms, and cancellation per viewer (the read
//   itself stops when its last viewer leaves).
import type { ConnEntry, ConnQueryInput, ConnQueryResult, ConnReadProgress } from "@/protocol/conntable.ts";
import { ConnTableParser } from "./parse.ts";
import { createConnQuery } from "./query.ts";
import { readFileChunks, readOverlapped } from "./sources.ts";

export { readFileChunks, readOverlapped };

export const PROC_IP_VS_CONN = "/proc/net/ip_vs_conn";

export class ConnReadAbortedError extends Error {
  override name = "AbortError";
  constructor() {
    super("connection table read cancelled");
  }
}

export class ConnReadError extends Error {
  override name = "ConnReadError";
}

/** Opens the table as a byte stream; the stream must stop when `signal` aborts. */
export type OpenConnTable = (path: string, signal: AbortSignal) => AsyncIterable<Uint8Array>;

export interface ConnTableReaderOptions {
  /** Defaults to /proc/net/ip_vs_conn; tests pass fixture files. */
  path?: string;
  open?: OpenConnTable;
  progressIntervalMs?: number;
  now?: () => number;
  /** raw bytes kept per read for requests that join it late (default 2 MiB, ~20,000 entries) */
  maxReplayBytes?: number;
}

export const DEFAULT_MAX_REPLAY_BYTES = 2 << 20;

export interface ReadOptions {
  signal?: AbortSignal;
  onProgress?: (p: ConnReadProgress) => void;
}

export interface ReadSummary {
  bytes: number;
  entries: number;
}

/** Batches are shared between viewers: treat them as read-only. */
export type EntrySink = (batch: readonly ConnEntry[]) => void;

interface Viewer {
  sink: EntrySink;
  onProgress: ((p: ConnReadProgress) => void) | undefined;
  resolve: (s: ReadSummary) => void;
  reject: (e: unknown) => void;
  detach: () => void;
}

interface SharedRead {
  viewers: Set<Viewer>;
  retained: Uint8Array[];
  retainedBytes: number;
  /** false once the replay buffer overflowed: late requests go to the next read */
  joinable: boolean;
  parser: ConnTableParser;
  controller: AbortController;
  lastProgressAt: number;
}

const defaultOpen: OpenConnTable = (path, signal) => readOverlapped(path, signal);

export class ConnTableReader {
  private readonly path: string;
  private readonly open: OpenConnTable;
  private readonly interval: number;
  private readonly now: () => number;
  private readonly maxReplayBytes: number;
  private current: SharedRead | null = null;
  /** the read that starts when `current` ends, for requests that could not join it */
  private next: SharedRead | null = null;

  constructor(options: ConnTableReaderOptions = {}) {
    this.path = options.path ?? PROC_IP_VS_CONN;
    this.open = options.open ?? defaultOpen;
    this.interval = options.progressIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    this.maxReplayBytes = options.maxReplayBytes ?? DEFAULT_MAX_REPLAY_BYTES;
  }

  /** True while a read is in flight (a new request would join it). */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Runs a query over one (possibly shared) read of the table. */
  async query(query: ConnQueryInput, options: ReadOptions = {}): Promise<ConnQueryResult> {
    const consumer = createConnQuery(query); // validates before any read starts
    await this.read((batch) => {
      for (const e of batch) consumer.push(e);
    }, options);
    return consumer.result();
  }

  /** Streams every entry of one read to `sink`, joining the read in flight if there is one. */
  read(sink: EntrySink, options: ReadOptions = {}): Promise<ReadSummary> {
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(new ConnReadAbortedError());
    return new Promise<ReadSummary>((resolve, reject) => {
      let read: SharedRead;
      let starting = false;
      if (this.current === null) {
        read = this.newRead();
        this.current = read;
        starting = true;
      } else if (this.current.joinable) {
        read = this.current;
        try {
          replay(read.retained, sink);
        } catch (err) {
          reject(err);
          return;
        }
      } else {
        this.next ??= this.newRead();
        read = this.next;
      }
      const shared = read;
      const onAbort = () => {
        shared.viewers.delete(viewer);
        reject(new ConnReadAbortedError());
        if (shared.viewers.size === 0) this.abandon(shared);
      };
      const viewer: Viewer = {
        sink,
        onProgress,
        resolve,
        reject,
        detach: () => signal?.removeEventListener("abort", onAbort),
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      shared.viewers.add(viewer);
      if (starting) void this.run(shared);
    });
  }

  private newRead(): SharedRead {
    return {
      viewers: new Set(),
      retained: [],
      retainedBytes: 0,
      joinable: true,
      parser: new ConnTableParser(),
      controller: new AbortController(),
      lastProgressAt: this.now(),
    };
  }

  /** Keeps a copy of the chunk for late joiners, up to the replay limit. */
  private retain(read: SharedRead, chunk: Uint8Array): void {
    if (!read.joinable) return;
    if (read.retainedBytes + chunk.length > this.maxReplayBytes) {
      read.joinable = false;
      read.retained = [];
      read.retainedBytes = 0;
      return;
    }
    read.retained.push(Uint8Array.prototype.slice.call(chunk));
    read.retainedBytes += chunk.length;
  }

  /** When a read ends, the queued one (if anyone still waits for it) takes its place. */
  private startNext(): void {
    const next = this.next;
    this.next = null;
    if (!next || next.viewers.size === 0 || next.controller.signal.aborted) return;
    this.current = next;
    void this.run(next);
  }

  private async run(read: SharedRead): Promise<void> {
    let failure: unknown = null;
    try {
      const stream = this.open(this.path, read.controller.signal);
      for await (const chunk of stream) {
        if (read.controller.signal.aborted) break;
        this.retain(read, chunk);
        const batch: ConnEntry[] = [];
        read.parser.feed(chunk, (e) => batch.push(e));
        this.deliver(read, batch);
        const t = this.now();
        if (t - read.lastProgressAt >= this.interval) {
          read.lastProgressAt = t;
          this.progress(read, false);
        }
      }
      if (!read.controller.signal.aborted) {
        const batch: ConnEntry[] = [];
        read.parser.end((e) => batch.push(e));
        this.deliver(read, batch);
      }
    } catch (err) {
      failure = err;
    }
    if (this.current === read) {
      this.current = null; // later requests start a fresh read
      this.startNext();
    }
    read.retained = [];
    if (read.controller.signal.aborted) return; // every viewer already got its AbortError
    if (failure === null) this.progress(read, true);
    const summary = { bytes: read.parser.bytes, entries: read.parser.entries };
    for (const v of read.viewers) {
      v.detach();
      if (failure === null) v.resolve(summary);
      else v.reject(failure instanceof Error && failure.name !== "Error" ? failure : wrapReadError(failure));
    }
    read.viewers.clear();
  }

  private deliver(read: SharedRead, batch: ConnEntry[]): void {
    if (batch.length === 0) return;
    for (const v of read.viewers) {
      try {
        v.sink(batch);
      } catch (err) {
        // a failing viewer leaves; the others keep reading
        read.viewers.delete(v);
        v.detach();
        v.reject(err);
        if (read.viewers.size === 0) this.abandon(read);
      }
    }
  }

  /** Stops a read nobody watches; a request arriving now starts a fresh one. */
  private abandon(read: SharedRead): void {
    read.controller.abort();
    if (this.next === read) this.next = null;
    if (this.current === read) {
      this.current = null;
      this.startNext();
    }
  }

  private progress(read: SharedRead, done: boolean): void {
    const p: ConnReadProgress = { bytes: read.parser.bytes, entries: read.parser.entries, done };
    for (const v of read.viewers) v.onProgress?.(p);
  }
}

function wrapReadError(err: unknown): ConnReadError {
  const e = new ConnReadError(`reading the connection table failed: ${(err as Error)?.message ?? String(err)}`);
  e.cause = err;
  return e;
}

/** Feeds the bytes already read to a late joiner's own parser; its partial last line is dropped
 * because the shared parser holds the same one and will emit it with the next chunk. */
function replay(chunks: readonly Uint8Array[], sink: EntrySink): void {
  const parser = new ConnTableParser();
  for (const chunk of chunks) {
    const batch: ConnEntry[] = [];
    parser.feed(chunk, (e) => batch.push(e));
    if (batch.length > 0) sink(batch);
  }
}
