// Guest-side runner for test/lab/conntable.test.ts, run in a director namespace with
// `node --import tsx`. Prints one JSON object.
//   dump        every entry of /proc/net/ip_vs_conn plus the query aggregates and progress
//   perf        time `cat /proc/net/ip_vs_conn` against reader+parse of the same file
//   shared      two concurrent queries over the real file: how many opens, and both results
import { spawnSync } from "node:child_process";
import { ConnTableReader, PROC_IP_VS_CONN, readFileChunks } from "@/agent/conntable/reader.ts";
import type { ConnEntry, ConnReadProgress } from "@/protocol/conntable.ts";

async function dump(): Promise<unknown> {
  const reader = new ConnTableReader();
  const entries: ConnEntry[] = [];
  const progress: ConnReadProgress[] = [];
  const [, q] = await Promise.all([
    reader.read((b) => entries.push(...b), { onProgress: (p) => progress.push(p) }),
    reader.query({ limit: 0, aggregates: { byState: true, byRealServer: true, topClients: 5 } }),
  ]);
  return { entries, aggregates: q.aggregates, matched: q.matched, progress };
}

function catMs(): number {
  const t = performance.now();
  const r = spawnSync("cat", [PROC_IP_VS_CONN], { stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error(`cat exited ${r.status}`);
  return performance.now() - t;
}

async function oursMs(): Promise<{ ms: number; entries: number }> {
  const t = performance.now();
  let entries = 0;
  await new ConnTableReader().read((b) => {
    entries += b.length;
  });
  return { ms: performance.now() - t, entries };
}

/** Alternating rounds, so that load from other guests hits both sides alike. */
async function perf(): Promise<unknown> {
  const cat: number[] = [];
  const ours: number[] = [];
  let entries = 0;
  for (let round = 0; round < 5; round++) {
    cat.push(catMs());
    const r = await oursMs();
    ours.push(r.ms);
    entries = r.entries;
  }
  return { cat, ours, entries };
}

async function shared(): Promise<unknown> {
  let opens = 0;
  const reader = new ConnTableReader({
    open: (path, signal) => {
      opens++;
      return readFileChunks(path, signal);
    },
  });
  const [a, b] = await Promise.all([
    reader.query({ aggregates: { byRealServer: true }, limit: 0 }),
    reader.query({ filter: { protocols: ["UDP"] }, limit: 0 }),
  ]);
  return { opens, scannedA: a.scanned, scannedB: b.scanned, matchedUdp: b.matched };
}

const modes: Record<string, () => Promise<unknown>> = { dump, perf, shared };
const mode = modes[process.argv[2] ?? ""];
if (mode === undefined) throw new Error(`usage: conntable-probe.ts ${Object.keys(modes).join("|")}`);
process.stdout.write(`${JSON.stringify(await mode())}\n`);
