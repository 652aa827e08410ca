// Guest-side half of benchmark 3, run in the director's namespace with `node --import tsx`:
// reading /proc/net/ip_vs_conn with the agent's reader+parser against `cat` and
// `ipvsadm -Lnc` (both to /dev/null), interleaved, in one process. Prints one JSON line.
//   conn-read.ts <reps> [tools=cat,ours,ipvsadm,parse]
// `parse` runs the same reader over a copy of the table on tmpfs (taken once, untimed), so
// its time is our user-space share alone; ours - parse is roughly the kernel's share.
import { spawnSync } from "node:child_process";
import { ConnTableReader, PROC_IP_VS_CONN } from "@/agent/conntable/reader.ts";

const SNAPSHOT = "/run/bench-ip_vs_conn.txt";

function timeCommand(argv: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${argv.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

let lastEntries = 0;
async function readWithOurs(path: string): Promise<number> {
  const t0 = performance.now();
  let entries = 0;
  await new ConnTableReader({ path }).read((batch) => {
    entries += batch.length;
  });
  lastEntries = entries;
  return performance.now() - t0;
}

const TOOLS: Record<string, () => number | Promise<number>> = {
  cat: () => timeCommand(["cat", PROC_IP_VS_CONN]),
  ours: () => readWithOurs(PROC_IP_VS_CONN),
  parse: () => readWithOurs(SNAPSHOT),
  ipvsadm: () => timeCommand(["ipvsadm", "-Lnc"]),
};

const reps = Number(process.argv[2] ?? 3);
const tools = (process.argv[3] ?? "cat,ours,ipvsadm").split(",");
for (const t of tools) if (!(t in TOOLS)) throw new Error(`unknown tool ${t} (have ${Object.keys(TOOLS).join(", ")})`);
// not copyFileSync: /proc files report size 0, so a size-driven copy would copy nothing
if (tools.includes("parse")) timeCommand(["sh", "-c", `cat ${PROC_IP_VS_CONN} > ${SNAPSHOT}`]);
const times: Record<string, number[]> = Object.fromEntries(tools.map((t) => [t, []]));
for (let i = 0; i < reps; i++) {
  for (const t of tools) {
    times[t]!.push(await TOOLS[t]!());
    process.stderr.write(`conn-read: rep ${i + 1} ${t} ${times[t]!.at(-1)!.toFixed(0)} ms\n`);
  }
}
process.stdout.write(`${JSON.stringify({ times, entries: lastEntries })}\n`);
