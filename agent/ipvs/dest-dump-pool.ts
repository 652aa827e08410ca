// Splits the GET_DEST dumps of a listing between this thread and helper worker threads
// (dest-dump-worker.ts). Optional: NetlinkIpvsClient uses it only when opened with workers > 0.
// Node 20 does not apply the main thread's `--import tsx` loader to workers, so when we run as
// TypeScript the worker first registers tsx itself, then imports the worker module.
import { Worker } from "node:worker_threads";
import type { DestinationState, Family } from "../../protocol/ipvs.ts";
import { NetlinkError } from "../netlink/genl.ts";
import type { DumpJob } from "./dest-dump-worker.ts";

interface Reply {
  id: number;
  result?: DestinationState[][];
  error?: { name: string; message: string; errno?: number; kernelMessage: string | null };
}

function workerSource(): string {
  const asTs = import.meta.url.endsWith(".ts");
  const target = new URL(asTs ? "./dest-dump-worker.ts" : "./dest-dump-worker.js", import.meta.url).href;
  if (!asTs) return `import(${JSON.stringify(target)});`;
  const api = import.meta.resolve("tsx/esm/api");
  return `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`;
}

export class DestDumpPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: DestinationState[][]) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  constructor(count: number, familyId: number, version: number, timeoutMs: number) {
    for (let i = 0; i < count; i++) {
      const w = new Worker(workerSource(), { eval: true, workerData: { familyId, version, sockets: 2, timeoutMs } });
      w.unref();
      w.on("message", (m: Reply) => this.settle(m));
      w.on("error", (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private settle(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.result) p.resolve(m.result);
    else if (m.error?.errno) p.reject(new NetlinkError("listServices", m.error.errno, m.error.kernelMessage));
    else p.reject(new Error(m.error?.message ?? "dest dump worker failed"));
  }

  /** Runs one share of the dumps on worker `index`. */
  run(index: number, requests: Buffer[], families: Family[]): Promise<DestinationState[][]> {
    const id = this.nextId++;
    const job: DumpJob = { id, requests, families };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[index]!.postMessage(job);
    });
  }

  close(): void {
    for (const w of this.workers) void w.terminate();
  }
}
