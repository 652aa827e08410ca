// Benchmark: one Prometheus scrape of 5,000 services + 20,000 real servers.
//   ours    GET /metrics of the running agent (node_ipvs_* and lvs_*), with its token
//   oracle  GET /metrics of Debian's prometheus-node-exporter with only its IPVS collector,
//           in the same director namespace over the same table
// Both fetched with busybox wget inside the director namespace and timed by the guest's clock;
// bytes are those of the uncompressed pages. Targets: time <= 1.0x node_exporter's, bytes
// within 1.2x (ours carry more series).
// Run: npx tsx bench/metrics-scrape.ts   (BENCH_REPS=n to change the repetitions)
import { controlFor, requireState } from "@/lab/api.ts";
import { loadBigTable } from "./list-services.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BIG_RULES } from "./lib/rules.ts";
import { BenchError, type BenchLab, log, timeInGuest, withBenchLab } from "./lib/session.ts";
import { compare } from "./lib/stats.ts";

async function startNodeExporter(lab: BenchLab, address: string): Promise<string> {
  const c = controlFor(requireState(lab.instance), lab.guest);
  await c.spawn("node-exporter", lab.director.name, [
    "prometheus-node-exporter", "--collector.disable-defaults", "--collector.ipvs", `--web.listen-address=${address}:9100`,
  ]);
  const url = `http://${address}:9100/metrics`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await lab.run(lab.director.name, ["busybox", "wget", "-q", "-O", "/dev/null", url]);
      return url;
    } catch (err) {
      if (Date.now() > deadline) throw new BenchError(`node_exporter did not answer: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function metricsScrapeBench(): Promise<BenchResult> {
  return withBenchLab("metrics-scrape", async (lab) => {
    const n = reps(5);
    const result = newResult("metrics-scrape", lab.memoryMb);
    await loadBigTable(lab);
    const address = `10.254.${lab.director.index}.2`;
    const nodeUrl = await startNodeExporter(lab, address);
    const oursUrl = `http://${address}:9400/metrics`;
    // the token goes in a file of the guest's tmpfs, not into a logged command line
    await lab.run(lab.director.name, ["sh", "-c", "umask 077; cat > /run/bench-metrics-header"], { stdin: `Authorization: Bearer ${lab.director.agentToken}` });
    const ours = `busybox wget -q -O - --header "$(cat /run/bench-metrics-header)" ${oursUrl}`;
    const theirs = `busybox wget -q -O - ${nodeUrl}`;
    const bytesOf = async (cmd: string) => Number((await lab.sh(lab.director.name, `${cmd} | wc -c`)).trim());
    const oursBytes = await bytesOf(ours);
    const theirBytes = await bytesOf(theirs);
    const backends = Number((await lab.sh(lab.director.name, `${theirs} | grep -c '^node_ipvs_backend_weight{'`)).trim());
    if (backends !== BIG_RULES.services * BIG_RULES.perService) throw new BenchError(`node_exporter saw ${backends} real servers`);
    // where our bytes go: each family's share of one page (busybox awk in the guest; the
    // family is the sample's name without the histogram/summary suffixes we never write)
    const families = await lab.sh(lab.director.name, `${ours} | busybox awk '!/^#/ { n = $0; sub(/[{ ].*/, "", n); b[n] += length($0) + 1 } END { for (k in b) print b[k], k }'`);
    const familyBytes = Object.fromEntries(
      families
        .trim()
        .split("\n")
        .map((l) => l.trim().split(" "))
        .map(([b, name]) => [name!, Number(b)] as const)
        .sort((a, b) => b[1] - a[1]),
    );
    for (const [name, b] of Object.entries(familyBytes).slice(0, 8)) log(`bench metrics-scrape: ${name}: ${(b / 1e6).toFixed(2)} MB (${((100 * b) / oursBytes).toFixed(0)} % of our page)`);
    const t = { ours: [] as number[], theirs: [] as number[] };
    for (let i = 0; i < n; i++) {
      t.theirs.push(await timeInGuest(lab, lab.director.name, `${theirs} > /dev/null`));
      t.ours.push(await timeInGuest(lab, lab.director.name, `${ours} > /dev/null`));
      log(`bench metrics-scrape: rep ${i + 1}/${n}: node_exporter ${t.theirs.at(-1)!.toFixed(0)} ms, agent ${t.ours.at(-1)!.toFixed(0)} ms`);
    }
    // where our time goes: the agent's own build time of a page (untimed scrapes), the rest of
    // a scrape is writing and reading the bytes
    const builds: number[] = [];
    for (let i = 0; i < Math.min(n, 3); i++) {
      const line = await lab.sh(lab.director.name, `${ours} | grep '^lvs_agent_scrape_duration_seconds '`);
      builds.push(Number(line.trim().split(" ")[1]) * 1000);
    }
    log(`bench metrics-scrape: the agent's page build: ${builds.map((b) => b.toFixed(0)).join(", ")} ms`);
    result.verdicts.push({
      label: "agent GET /metrics vs node_exporter --collector.ipvs GET /metrics (same table, same namespace)",
      comparison: compare(t.ours, t.theirs),
      target: { kind: "<=", limit: 1.0 },
    });
    result.checks.push({ label: "page bytes, agent / node_exporter", value: oursBytes / theirBytes, unit: "x", limit: 1.2, met: oursBytes / theirBytes <= 1.2 });
    result.facts = {
      table: `${BIG_RULES.services} services, ${BIG_RULES.perService} real servers each`,
      agentPageBytes: oursBytes,
      nodeExporterPageBytes: theirBytes,
      agentFamilyBytes: familyBytes,
      agentBuildMs: builds,
    };
    await lab.run(lab.director.name, ["rm", "-f", "/run/bench-metrics-header"]);
    return result;
  });
}

runAsMain(import.meta.url, metricsScrapeBench);
