// Guest-side half of benchmarks 1 and 2, run in the director's namespace with
// `node --import tsx`: the agent's own code called in-process (no WebSocket, no JSON), timed
// side by side with ipvsadm in the same namespace. Prints one JSON line.
//   list   <reps>              NetlinkIpvsClient.listServices(), and listServiceRows() plus the
//                              JSON of its answer, vs `ipvsadm -Ln`
//   import <reps> <rulesFile>  importRules(replace) vs `ipvsadm -R`, flushing before each run
import { spawnSync } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { NetlinkIpvsClient } from "@/agent/ipvs/client.ts";
import { importRules } from "@/agent/rules/import.ts";

function ipvsadm(args: string[], stdinFile?: string): number {
  const t0 = performance.now();
  const stdin = stdinFile ? openSync(stdinFile, "r") : "ignore";
  const r = spawnSync("ipvsadm", args, { stdio: [stdin, "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`ipvsadm ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function list(reps: number): Promise<unknown> {
  const client = await NetlinkIpvsClient.open({ timeoutMs: 120_000 });
  const ours: number[] = [];
  const rows: number[] = [];
  const theirs: number[] = [];
  let services = 0;
  let dests = 0;
  await client.listServices(); // warm-up: JIT and the kernel's caches, as the running agent has them
  JSON.stringify({ services: await client.listServiceRows() });
  ipvsadm(["-Ln"]);
  for (let i = 0; i < reps; i++) {
    theirs.push(ipvsadm(["-Ln"]));
    const t1 = performance.now();
    JSON.stringify({ services: await client.listServiceRows() });
    rows.push(performance.now() - t1);
    const t0 = performance.now();
    const all = await client.listServices();
    ours.push(performance.now() - t0);
    services = all.length;
    dests = all.reduce((n, s) => n + s.destinations.length, 0);
  }
  client.close();
  return { ours, rows, theirs, services, dests };
}

async function importBench(reps: number, file: string): Promise<unknown> {
  const text = readFileSync(file, "utf8");
  const client = await NetlinkIpvsClient.open({ timeoutMs: 120_000 });
  const ours: number[] = [];
  const theirs: number[] = [];
  let changes = 0;
  for (let i = 0; i < reps; i++) {
    ipvsadm(["-C"]);
    theirs.push(ipvsadm(["-R"], file));
    ipvsadm(["-C"]);
    const t0 = performance.now();
    const r = await importRules(client, { format: "ipvsadm", text }, "replace", false);
    ours.push(performance.now() - t0);
    if (!r.applied) throw new Error(`importRules did not apply: ${JSON.stringify(r.errors.slice(0, 5))}`);
    changes = r.changes.length;
  }
  ipvsadm(["-C"]);
  client.close();
  return { ours, theirs, changes };
}

const [mode, repsArg = "5", file = ""] = process.argv.slice(2);
const reps = Number(repsArg);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`bad repetition count ${repsArg}`);
const result = mode === "list" ? await list(reps) : mode === "import" ? await importBench(reps, file) : null;
if (result === null) throw new Error("usage: ipvs-direct.ts list <reps> | import <reps> <rulesFile>");
process.stdout.write(`${JSON.stringify(result)}\n`);
