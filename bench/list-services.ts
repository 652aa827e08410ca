// Benchmark 1: list 5,000 services + 20,000 real servers.
//   agent   `service.list` over the running agent's WebSocket, timed on the host
//   direct  NetlinkIpvsClient.listServices() in a script inside the guest (kernel + decode,
//           no transport), timed in-process
//   oracle  `ipvsadm -Ln > /dev/null`, timed inside the guest
// Target: agent / ipvsadm <= 1.0.
// Run: npx tsx bench/list-services.ts   (BENCH_REPS=n to change the repetitions)
import { AgentClient } from "../protocol/agent-client.ts";
import { CATALOG } from "../protocol/messages.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BIG_RULES, GUEST_RULES_FILE, putRulesFile, restoreText, savedLineCount } from "./lib/rules.ts";
import { BenchError, type BenchLab, guestScript, log, timeInGuest, withBenchLab } from "./lib/session.ts";
import { compare, summarize } from "./lib/stats.ts";

interface DirectTimes {
  ours: number[];
  theirs: number[];
  services: number;
  dests: number;
}

export async function loadBigTable(lab: BenchLab): Promise<number> {
  await putRulesFile(lab, restoreText(BIG_RULES));
  await lab.run(lab.director.name, ["ipvsadm", "-C"]);
  const ms = await timeInGuest(lab, lab.director.name, `ipvsadm -R < ${GUEST_RULES_FILE}`);
  const lines = await savedLineCount(lab);
  const want = BIG_RULES.services * (1 + BIG_RULES.perService);
  if (lines !== want) throw new BenchError(`ipvsadm -R loaded ${lines} rule lines, expected ${want}`);
  return ms;
}

/** Host-side share of the agent path: JSON.parse plus the client's zod check of the result. */
function hostDecodeMs(json: string): number {
  const t0 = performance.now();
  const parsed = CATALOG["service.list"].output.safeParse(JSON.parse(json));
  if (!parsed.success) throw new BenchError("the service.list result does not validate");
  return performance.now() - t0;
}

async function agentVsIpvsadm(lab: BenchLab, n: number): Promise<{ ours: number[]; theirs: number[]; bytes: number; hostDecodeMs: number[] }> {
  const client = new AgentClient({ url: lab.director.agentUrl, token: lab.director.agentToken, heartbeatMs: 0 });
  await client.connect();
  try {
    const want = { services: BIG_RULES.services, dests: BIG_RULES.services * BIG_RULES.perService };
    const listOnce = async () => {
      const t0 = performance.now();
      const list = await client.request("service.list", {}, { deadlineMs: 300_000 });
      const ms = performance.now() - t0;
      const dests = list.reduce((k, s) => k + s.destinations.length, 0);
      if (list.length !== want.services || dests !== want.dests) {
        throw new BenchError(`service.list returned ${list.length} services / ${dests} real servers, expected ${want.services} / ${want.dests}`);
      }
      const json = JSON.stringify(list);
      return { ms, bytes: json.length, hostDecodeMs: hostDecodeMs(json) };
    };
    const { bytes } = await listOnce(); // warm-up, not counted
    await timeInGuest(lab, lab.director.name, "ipvsadm -Ln > /dev/null");
    const ours: number[] = [];
    const theirs: number[] = [];
    const decode: number[] = [];
    for (let i = 0; i < n; i++) {
      theirs.push(await timeInGuest(lab, lab.director.name, "ipvsadm -Ln > /dev/null"));
      const once = await listOnce();
      ours.push(once.ms);
      decode.push(once.hostDecodeMs);
      log(`bench list-services: rep ${i + 1}/${n}: ipvsadm ${theirs.at(-1)!.toFixed(0)} ms, agent ${ours.at(-1)!.toFixed(0)} ms`);
    }
    return { ours, theirs, bytes, hostDecodeMs: decode };
  } finally {
    client.close();
  }
}

export function listServicesBench(): Promise<BenchResult> {
  return withBenchLab("list-services", async (lab) => {
    const n = reps(5);
    const result = newResult("list-services", lab.memoryMb);
    const restoreMs = await loadBigTable(lab);
    log(`bench list-services: ipvsadm -R of ${BIG_RULES.services} services took ${restoreMs.toFixed(0)} ms`);
    const viaAgent = await agentVsIpvsadm(lab, n);
    result.verdicts.push({
      label: "agent service.list over WebSocket (host) vs ipvsadm -Ln (guest)",
      comparison: compare(viaAgent.ours, viaAgent.theirs),
      target: { kind: "<=", limit: 1.0 },
    });
    const direct = await guestScript<DirectTimes>(lab, lab.director.name, "ipvs-direct.ts", ["list", String(n)]);
    if (direct.services !== BIG_RULES.services) throw new BenchError(`listServices() saw ${direct.services} services`);
    result.verdicts.push({
      label: "NetlinkIpvsClient.listServices() in the guest vs ipvsadm -Ln (same process)",
      comparison: compare(direct.ours, direct.theirs),
      target: null,
    });
    result.facts = {
      table: `${BIG_RULES.services} services (TCP/UDP alternating), ${BIG_RULES.perService} NAT real servers each`,
      serviceListJsonBytes: viaAgent.bytes,
      hostJsonParseAndZodMs: summarize(viaAgent.hostDecodeMs),
      restoreMs: Math.round(restoreMs),
    };
    return result;
  });
}

runAsMain(import.meta.url, listServicesBench);
