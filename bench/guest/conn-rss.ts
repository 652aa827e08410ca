// Guest-side fallback of benchmark 4, for an agent that does not serve `conns.read` yet: one
// long-lived process does what the agent's handler would (ConnTableReader.query with the same
// kind of request), and reports its own memory before, after the first table, and after the
// table was grown by the generator command given after `--`. Prints one JSON line.
//   conn-rss.ts <readsPerStage> -- <argv that grows the table>
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { ConnTableReader } from "@/agent/conntable/reader.ts";
import { BENCH_QUERY } from "../lib/conn-query.ts";

function memoryKb(): { rssKb: number; hwmKb: number } {
  const status = readFileSync("/proc/self/status", "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssKb: field("VmRSS"), hwmKb: field("VmHWM") };
}

const reads = Number(process.argv[2] ?? 2);
const sep = process.argv.indexOf("--");
const grow = sep > 0 ? process.argv.slice(sep + 1) : [];
if (grow.length === 0) throw new Error("usage: conn-rss.ts <reads> -- <command that grows the table>");

const reader = new ConnTableReader();
async function serve(): Promise<number> {
  let scanned = 0;
  for (let i = 0; i < reads; i++) scanned = (await reader.query(BENCH_QUERY)).scanned;
  return scanned;
}

const before = memoryKb();
const firstEntries = await serve();
const afterFirst = memoryKb();
const g = spawnSync(grow[0]!, grow.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
if (g.status !== 0) throw new Error(`${grow.join(" ")} exited ${g.status}`);
const secondEntries = await serve();
const afterSecond = memoryKb();
process.stdout.write(`${JSON.stringify({ before, afterFirst, afterSecond, firstEntries, secondEntries })}\n`);
