// The fleet benchmark's second setup: N real agent WebSocket servers in this process (the
// unit tests' harness: agent/ws/server.ts with the real ipvs and stats handlers) over an
// in-memory FakeIpvs each, holding the benchmark's table with counters that move every
// second. Unlike 50 agents under TCG, these keep the true 1 Hz the server subscribes at.
import { keyString } from "@/test/unit/agent-ws-fakes.ts";
import { type Harness, startHarness, TOKEN } from "@/test/unit/agent-ws-harness.ts";
import type { DashboardDirector } from "@/lab/dashboard.ts";
import { advanceTraffic, type FleetTableSize, fleetServiceStates, seededRandom } from "./fleet-table.ts";

export interface FakeFleet {
  directors: DashboardDirector[];
  close(): Promise<void>;
}

export async function startFakeFleet(
  count: number,
  size: FleetTableSize,
  group: (i: number) => string,
  o: { firstIndex?: number; seed?: number } = {},
): Promise<FakeFleet> {
  const harnesses: Harness[] = [];
  const tables: ReturnType<typeof fleetServiceStates>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const h = await startHarness();
      harnesses.push(h);
      const table = fleetServiceStates(size);
      // the fake returns clones of these objects, so moving them in place moves the "kernel"
      for (const s of table) h.ipvs.services.set(keyString(s.key), s);
      tables.push(table);
    }
  } catch (e) {
    await Promise.all(harnesses.map((h) => h.close()));
    throw e;
  }
  const rand = seededRandom(o.seed ?? 4);
  // the kernel's estimator refreshes rates every 2 s; moving every second is the harsher case
  const mover = setInterval(() => {
    for (const t of tables) advanceTraffic(t, rand);
  }, 1000);
  return {
    directors: harnesses.map((h, i) => ({ name: `fake${(o.firstIndex ?? 0) + i + 1}`, url: h.server.url, token: TOKEN, group: group(i) })),
    async close() {
      clearInterval(mover);
      await Promise.all(harnesses.map((h) => h.close()));
    },
  };
}
