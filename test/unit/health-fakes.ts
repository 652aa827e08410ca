// A hand-driven clock and a scripted checker for the health state machine's unit tests.
import type { Clock } from "@/agent/health/clock.ts";
import type { RunCheck } from "@/agent/health/run-check.ts";

export class FakeClock implements Clock {
  t = 0;
  #timers: { at: number; fn: () => void; id: number }[] = [];
  #next = 1;
  rand = 0;
  now = () => this.t;
  random = () => this.rand;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.#next++;
    this.#timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.#timers = this.#timers.filter((x) => x.id !== h);
  };
  pending(): number {
    return this.#timers.length;
  }
  /** Runs every timer due within ms, in time order, letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const first = this.#timers[0];
      if (!first || first.at > end) break;
      this.#timers.shift();
      this.t = first.at;
      first.fn();
    }
    this.t = end;
    await settle();
  }
}

export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

/** Up when the target address is in `up`; every call is recorded with the clock's time. */
export function scriptedChecks(clock: FakeClock, up: Set<string>): { run: RunCheck; calls: { at: number; address: string }[] } {
  const calls: { at: number; address: string }[] = [];
  const run: RunCheck = async (_c, rs) => {
    calls.push({ at: clock.t, address: rs.key.address });
    return up.has(rs.key.address) ? { ok: true, reason: "connected" } : { ok: false, reason: "connect refused" };
  };
  return { run, calls };
}
