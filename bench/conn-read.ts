// Benchmark 3: read and parse 100,000 connection entries.
//   ours     ConnTableReader.read() (agent/conntable: stream + parse every entry), in the guest;
//            since 5976e9c its reads go through a `cat` child so they overlap the parsing
//   cat      `cat /proc/net/ip_vs_conn > /dev/null`      target: ours / cat <= 1.2
//   ipvsadm  `ipvsadm -Lnc > /dev/null`                  target: ours at least 3x faster
//   parse    the same reader over a tmpfs copy of the table: our user-space share alone
// All of them run interleaved in one guest-side process (guest/conn-read.ts), timed there.
// Run: npx tsx bench/conn-read.ts   (BENCH_REPS=n, BENCH_CONNS=n to change the defaults)
import { fillConnTable, prepareUdpService, restoreDefaultTimeouts } from "./lib/conns.ts";
import { reps, runAsMain } from "./lib/main.ts";
import { type BenchResult, newResult } from "./lib/report.ts";
import { BenchError, guestScript, log, withBenchLab } from "./lib/session.ts";
import { compare, summarize } from "./lib/stats.ts";

export function connReadBench(): Promise<BenchResult> {
  return withBenchLab("conn-read", async (lab) => {
    const n = reps(3);
    const target = Number(process.env.BENCH_CONNS ?? 100_000);
    const result = newResult("conn-read", lab.memoryMb);
    await prepareUdpService(lab);
    const t0 = Date.now();
    const entries = await fillConnTable(lab, target);
    log(`bench conn-read: ${entries} entries made in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const r = await guestScript<{ times: Record<string, number[]>; entries: number }>(lab, lab.director.name, "conn-read.ts", [String(n), "cat,ours,ipvsadm,parse"], 3_600_000);
    if (r.entries < target) throw new BenchError(`the reader parsed ${r.entries} entries, expected at least ${target}`);
    const { cat, ours, ipvsadm, parse } = r.times as { cat: number[]; ours: number[]; ipvsadm: number[]; parse: number[] };
    result.verdicts.push(
      { label: "reader+parse vs cat /proc/net/ip_vs_conn", comparison: compare(ours, cat), target: { kind: "<=", limit: 1.2 } },
      { label: "reader+parse vs ipvsadm -Lnc", comparison: compare(ours, ipvsadm), target: { kind: ">=", limit: 3 } },
    );
    result.facts = {
      parseOnlyFromTmpfsMs: summarize(parse),
      entries: r.entries, entriesMadeBy: "UDP datagrams from 4 spoofed client addresses x varied ports (raw socket)" };
    await restoreDefaultTimeouts(lab);
    return result;
  });
}

runAsMain(import.meta.url, connReadBench);
