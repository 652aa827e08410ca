// Benchmark 1: list 5,000 services + 20,000 real servers.
//   agent   AgentClient.listServices() (service.list.compact, expanded to service.list's
//           objects and validated) over the running agent's WebSocket, timed on the host;
//           and plain `service.list` (objects on the wire) the same way, for comparison
//   direct  NetlinkIpvsClient.listServices() in a script inside the guest (kernel + decode,
//           no transport), timed in-process
//   oracle  `ipvsadm -Ln > /dev/null`, timed inside the guest
// Target: agent / ipvsadm <= 1.0.
// Run: npx tsx bench/list-services.ts   (BENCH_REPS=n to change the repetitions)
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { CATALOG } from "@/protocol/agent/catalog.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BIG_RULES, GUEST_RULES_FILE, putRulesFile, restoreText, savedLineCount } from "./lib/rules.ts";
import { BenchError, type BenchLab, guestScript, log, timeInGuest, withBenchLab } from "./lib/session.ts";
import { compare, summarize } from "./lib/stats.ts";

interface DirectTimes {
  ours: number[];
  rows: number[];
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

interface AgentTimes {
  /** AgentClient.listServices(): compact rows, expanded on the host */
  compact: number[];
  /** service.list: objects on the wire */
  objects: number[];
  theirs: number[];
  bytes: number;
  compactBytes: number;
  hostDecodeMs: number[];
}

async function agentVsIpvsadm(lab: BenchLab, n: number): Promise<AgentTimes> {
  const client = new AgentClient({ url: lab.director.agentUrl, token: lab.director.agentToken, heartbeatMs: 0 });
  await client.connect();
  try {
    const want = { services: BIG_RULES.services, dests: BIG_RULES.services * BIG_RULES.perService };
    const check = (list: { destinations: unknown[] }[], how: string) => {
      const dests = list.reduce((k, s) => k + s.destinations.length, 0);
      if (list.length !== want.services || dests !== want.dests) {
        throw new BenchError(`${how} returned ${list.length} services / ${dests} real servers, expected ${want.services} / ${want.dests}`);
      }
    };
    const objectsOnce = async () => {
      const t0 = performance.now();
      const list = await client.request("service.list", {}, { deadlineMs: 300_000 });
      const ms = performance.now() - t0;
      check(list, "service.list");
      const json = JSON.stringify(list);
      return { ms, bytes: json.length, hostDecodeMs: hostDecodeMs(json) };
    };
    const compactOnce = async () => {
      const t0 = performance.now();
      const list = await client.listServices({ deadlineMs: 300_000 });
      const ms = performance.now() - t0;
      check(list, "listServices() (service.list.compact)");
      return ms;
    };
    const { bytes } = await objectsOnce(); // warm-ups, not counted
    await compactOnce();
    const compactBytes = JSON.stringify(await client.request("service.list.compact", {}, { deadlineMs: 300_000 })).length;
    await timeInGuest(lab, lab.director.name, "ipvsadm -Ln > /dev/null");
    const t: AgentTimes = { compact: [], objects: [], theirs: [], bytes, compactBytes, hostDecodeMs: [] };
    for (let i = 0; i < n; i++) {
      t.theirs.push(await timeInGuest(lab, lab.director.name, "ipvsadm -Ln > /dev/null"));
      t.compact.push(await compactOnce());
      const once = await objectsOnce();
      t.objects.push(once.ms);
      t.hostDecodeMs.push(once.hostDecodeMs);
      log(`bench list-services: rep ${i + 1}/${n}: ipvsadm ${t.theirs.at(-1)!.toFixed(0)} ms, agent compact ${t.compact.at(-1)!.toFixed(0)} ms, agent service.list ${t.objects.at(-1)!.toFixed(0)} ms`);
    }
    return t;
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
      label: "agent listServices() = service.list.compact over WebSocket, expanded (host) vs ipvsadm -Ln (guest)",
      comparison: compare(viaAgent.compact, viaAgent.theirs),
      target: { kind: "<=", limit: 1.0 },
    });
    result.verdicts.push({
      label: "agent service.list (objects) over WebSocket (host) vs ipvsadm -Ln (guest)",
      comparison: compare(viaAgent.objects, viaAgent.theirs),
      target: null,
    });
    const direct = await guestScript<DirectTimes>(lab, lab.director.name, "ipvs-direct.ts", ["list", String(n)]);
    if (direct.services !== BIG_RULES.services) throw new BenchError(`listServices() saw ${direct.services} services`);
    result.verdicts.push({
      label: "NetlinkIpvsClient.listServices() in the guest vs ipvsadm -Ln (same process)",
      comparison: compare(direct.ours, direct.theirs),
      target: null,
    });
    result.verdicts.push({
      label: "NetlinkIpvsClient.listServiceRows() + JSON.stringify in the guest vs ipvsadm -Ln (same process)",
      comparison: compare(direct.rows, direct.theirs),
      target: null,
    });
    result.facts = {
      table: `${BIG_RULES.services} services (TCP/UDP alternating), ${BIG_RULES.perService} NAT real servers each`,
      serviceListJsonBytes: viaAgent.bytes,
      serviceListCompactJsonBytes: viaAgent.compactBytes,
      hostJsonParseAndZodMs: summarize(viaAgent.hostDecodeMs),
      restoreMs: Math.round(restoreMs),
    };
    return result;
  });
}

runAsMain(import.meta.url, listServicesBench);
