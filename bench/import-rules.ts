// Benchmark 2: import 5,000 services + 20,000 real servers (the rule file of benchmark 1).
//   agent   `rules.import` (ipvsadm text, replace, not a dry run, report "counts" as `lvsctl -R`
//           asks: ipvsadm -R prints nothing either) over the agent's WebSocket, timed on the host
//   direct  importRules() of agent/rules in a script inside the guest (no transport)
//   oracle  `ipvsadm -R < file`, timed inside the guest
// The table is flushed (`ipvsadm -C`, untimed) before every run of either side.
// Target: agent / ipvsadm <= 1.0.
// Run: npx tsx bench/import-rules.ts   (BENCH_REPS=n repetitions; BENCH_SERVICES=n services
// instead of 5,000, because the agent's import of the full table can exceed the protocol's
// 10-minute deadline under TCG)
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BIG_RULES, GUEST_RULES_FILE, putRulesFile, restoreText, savedLineCount } from "./lib/rules.ts";
import { BenchError, type BenchLab, guestScript, log, timeInGuest, withBenchLab } from "./lib/session.ts";
import { compare } from "./lib/stats.ts";

const SIZE = { ...BIG_RULES, services: Number(process.env.BENCH_SERVICES ?? BIG_RULES.services) };
const WANT_LINES = SIZE.services * (1 + SIZE.perService);

async function flush(lab: BenchLab): Promise<void> {
  await lab.run(lab.director.name, ["ipvsadm", "-C"]);
}

async function expectFullTable(lab: BenchLab, who: string): Promise<void> {
  const lines = await savedLineCount(lab);
  if (lines !== WANT_LINES) throw new BenchError(`after ${who} the table has ${lines} rule lines, expected ${WANT_LINES}`);
}

async function agentVsIpvsadm(lab: BenchLab, text: string, n: number): Promise<{ ours: number[]; theirs: number[] }> {
  const client = new AgentClient({ url: lab.director.agentUrl, token: lab.director.agentToken, heartbeatMs: 0 });
  await client.connect();
  try {
    const importOnce = async () => {
      await flush(lab);
      const t0 = performance.now();
      const r = await client.request("rules.import", { source: { format: "ipvsadm", text }, mode: "replace", dryRun: false, report: "counts" }, { deadlineMs: 600_000 });
      const ms = performance.now() - t0;
      if (!r.applied) throw new BenchError(`rules.import did not apply: ${JSON.stringify(r.errors.slice(0, 5))}`);
      if (r.counts?.create !== WANT_LINES) throw new BenchError(`rules.import counted ${JSON.stringify(r.counts)} changes, expected ${WANT_LINES} creations`);
      await expectFullTable(lab, "rules.import");
      return ms;
    };
    const ipvsadmOnce = async () => {
      await flush(lab);
      const ms = await timeInGuest(lab, lab.director.name, `ipvsadm -R < ${GUEST_RULES_FILE}`);
      await expectFullTable(lab, "ipvsadm -R");
      return ms;
    };
    await importOnce(); // warm-up, not counted (JIT of the parser and apply paths)
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let i = 0; i < n; i++) {
      theirs.push(await ipvsadmOnce());
      ours.push(await importOnce());
      log(`bench import-rules: rep ${i + 1}/${n}: ipvsadm -R ${theirs.at(-1)!.toFixed(0)} ms, agent ${ours.at(-1)!.toFixed(0)} ms`);
    }
    return { ours, theirs };
  } finally {
    client.close();
  }
}

export function importRulesBench(): Promise<BenchResult> {
  return withBenchLab("import-rules", async (lab) => {
    const n = reps(5);
    const result = newResult("import-rules", lab.memoryMb);
    const text = restoreText(SIZE);
    await putRulesFile(lab, text);
    const viaAgent = await agentVsIpvsadm(lab, text, n);
    result.verdicts.push({
      label: "agent rules.import over WebSocket (host) vs ipvsadm -R (guest)",
      comparison: compare(viaAgent.ours, viaAgent.theirs),
      target: { kind: "<=", limit: 1.0 },
    });
    const direct = await guestScript<{ ours: number[]; theirs: number[]; changes: number }>(lab, lab.director.name, "ipvs-direct.ts", ["import", String(n), GUEST_RULES_FILE]);
    if (direct.changes !== WANT_LINES) throw new BenchError(`importRules() reported ${direct.changes} changes, expected ${WANT_LINES}`);
    result.verdicts.push({
      label: "importRules() in the guest vs ipvsadm -R (same process)",
      comparison: compare(direct.ours, direct.theirs),
      target: null,
    });
    result.facts = {
      table: `${SIZE.services} services (TCP/UDP alternating), ${SIZE.perService} NAT real servers each`,
      ruleTextBytes: text.length,
    };
    return result;
  });
}

runAsMain(import.meta.url, importRulesBench);
