// Runs the four agent benchmarks one after another (never in parallel: they share the
// machine's cores, and every ratio must be measured without a neighbour's load), each with
// its own lab instance. A benchmark that fails is reported and the others still run.
// Run: npx tsx bench/run-all.ts [list-services|import-rules|conn-read|agent-rss ...]
import { agentRssBench } from "./agent-rss.ts";
import { connReadBench } from "./conn-read.ts";
import { importRulesBench } from "./import-rules.ts";
import { listServicesBench } from "./list-services.ts";
import { report } from "./lib/main.ts";
import type { BenchResult } from "./lib/report.ts";
import { log } from "./lib/session.ts";

const BENCHES: Record<string, () => Promise<BenchResult>> = {
  "list-services": listServicesBench,
  "import-rules": importRulesBench,
  "conn-read": connReadBench,
  "agent-rss": agentRssBench,
};

const wanted = process.argv.slice(2);
for (const w of wanted) if (!(w in BENCHES)) throw new Error(`unknown benchmark ${w} (have ${Object.keys(BENCHES).join(", ")})`);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const failed: string[] = [];
for (const name of names) {
  const t0 = Date.now();
  try {
    await report(BENCHES[name]!);
  } catch (e) {
    failed.push(name);
    log(`bench ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  log(`bench ${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
if (failed.length > 0) log(`failed: ${failed.join(", ")}`);
process.exit(failed.length > 0 ? 1 : 0);
