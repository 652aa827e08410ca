// The fake fleet spread over child processes (fleet-fakes-child.ts), each in its own process
// group so its CPU can be read from /proc like the server's.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { DashboardDirector } from "@/lab/dashboard.ts";
import { stopProcessGroup } from "@/lab/process-group.ts";
import type { FleetTableSize } from "./fleet-table.ts";
import { BenchError, REPO_ROOT } from "./session.ts";

const CHILD = fileURLToPath(new URL("./fleet-fakes-child.ts", import.meta.url));

export interface FakeFleetProcs {
  directors: DashboardDirector[];
  /** process group ids of the children */
  pgids: number[];
  close(): Promise<void>;
}

function startChild(count: number, size: FleetTableSize, first: number, group: string, seed: number): Promise<{ proc: ChildProcess; directors: DashboardDirector[] }> {
  const proc = spawn("npx", ["tsx", CHILD, String(count), String(size.services), String(size.realServers), String(first), group, String(seed)], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  let err = "";
  proc.stderr?.on("data", (b) => (err += String(b)));
  return new Promise((resolve, reject) => {
    proc.stdout?.on("data", (b) => {
      out += String(b);
      const line = out.split("\n").find((l) => l.startsWith("["));
      if (line && out.includes("\n")) resolve({ proc, directors: JSON.parse(line) as DashboardDirector[] });
    });
    proc.once("exit", (code) => reject(new BenchError(`fake agents process exited ${code}:\n${err.slice(-2000)}`)));
  });
}



/** `count` fake agents in `processes` children, `perGroup` per dashboard group. */
export async function startFakeFleetProcs(count: number, size: FleetTableSize, processes: number, perGroup: number): Promise<FakeFleetProcs> {
  const per = Math.ceil(count / processes);
  const started: { proc: ChildProcess; directors: DashboardDirector[] }[] = [];
  try {
    for (let first = 0; first < count; first += per) {
      const n = Math.min(per, count - first);
      // one group per child when the sizes line up (25 per group, 25 per child)
      started.push(await startChild(n, size, first, `group-${Math.floor(first / perGroup) + 1}`, first + 1));
    }
  } catch (e) {
    await Promise.all(started.map((s) => stopProcessGroup(s.proc)));
    throw e;
  }
  return {
    directors: started.flatMap((s) => s.directors),
    pgids: started.map((s) => s.proc.pid!),
    close: async () => {
      await Promise.all(started.map((s) => stopProcessGroup(s.proc)));
    },
  };
}
