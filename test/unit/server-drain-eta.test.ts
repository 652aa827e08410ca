// The drain ETA (server/drain/eta.ts): on a TIME_WAIT tail it counts down by the clock under
// the kernel's timer bound and changes by a bounded amount per step (the old least-squares
// slope swung between unknown, hours and minutes on the same tail); with active connections it
// follows the EWMA drain rate; unknown while nothing leaves.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DrainCounts, type EtaState, STEP_FRACTION, STEP_MIN_S, TAIL_BOUND_S, etaStep, tailBoundOf } from "@/server/drain/eta.ts";

const B = TAIL_BOUND_S.tcp;

function run(samples: DrainCounts[], bound = B): (number | null)[] {
  let st: EtaState | null = null;
  return samples.map((s) => {
    st = etaStep(st, s, bound);
    return st.eta;
  });
}

/** A TIME_WAIT tail: nothing active, inactive entries leaving one by one at random times. */
const tail = fc
  .record({
    start: fc.integer({ min: 1, max: 400 }),
    steps: fc.array(fc.record({ dtMs: fc.integer({ min: 200, max: 3000 }), expire: fc.integer({ min: 0, max: 3 }) }), { minLength: 2, maxLength: 150 }),
  })
  .map(({ start, steps }) => {
    let t = 1_000_000;
    let inactive = start;
    const out: DrainCounts[] = [{ t, active: 0, inactive }];
    for (const s of steps) {
      t += s.dtMs;
      inactive = Math.max(0, inactive - s.expire);
      out.push({ t, active: 0, inactive });
    }
    return out;
  });

describe("drain ETA", () => {
  it("property: on a TIME_WAIT tail the ETA is never above the bound, never rises, and moves at most one step per sample", () => {
    fc.assert(
      fc.property(tail, (samples) => {
        const etas = run(samples);
        for (let i = 1; i < samples.length; i++) {
          const [prev, cur] = [etas[i - 1]!, etas[i]!];
          const dt = (samples[i]!.t - samples[i - 1]!.t) / 1000;
          const elapsed = (samples[i]!.t - samples[0]!.t) / 1000;
          if (samples[i]!.inactive === 0) {
            expect(cur).toBe(0);
            continue;
          }
          // unknown only once the kernel's timer should have expired every entry
          if (cur === null) {
            expect(elapsed).toBeGreaterThanOrEqual(B - 1);
            continue;
          }
          expect(cur).toBeLessThanOrEqual(Math.ceil(B - elapsed) + 1);
          if (prev === null) continue;
          expect(cur).toBeLessThanOrEqual(prev + 1); // + rounding
          expect(Math.abs(cur - (prev - dt))).toBeLessThanOrEqual(Math.max(STEP_MIN_S, STEP_FRACTION * prev) + 1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the lab's tail (1 active, 4 TIME_WAIT 3 s apart; the active one closes): unknown, then minutes counting down, never hours", () => {
    const samples: DrainCounts[] = [];
    let t = 0;
    const push = (active: number, inactive: number, seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        t += 1000;
        samples.push({ t, active, inactive });
      }
    };
    push(1, 4, 12); // the long connection is open: nothing leaves yet
    push(0, 5, 96); // it closed; the short requests' TIME_WAIT entries expire ~2 min after they began
    push(0, 4, 3);
    push(0, 3, 3);
    push(0, 2, 3);
    push(0, 1, 15);
    push(0, 0, 1);
    const etas = run(samples);
    expect(etas.slice(0, 12)).toEqual(Array(12).fill(null));
    const known = etas.slice(12, -1);
    expect(known.every((e) => e !== null && e > 0 && e <= B)).toBe(true);
    for (let i = 1; i < known.length; i++) expect(known[i]!).toBeLessThanOrEqual(known[i - 1]!);
    expect(etas.at(-1)).toBe(0);
  });

  it("active connections closing at a steady rate: the ETA follows count / rate, without the tail's bound", () => {
    const samples: DrainCounts[] = [];
    for (let i = 0; i <= 60; i++) samples.push({ t: i * 1000, active: 600 - 2 * i, inactive: 0 });
    const etas = run(samples);
    expect(etas[0]).toBeNull();
    // 480 left at 2/s: about 240 s, above the 120 s tail bound (it does not apply yet)
    expect(etas[60]!).toBeGreaterThan(200);
    expect(etas[60]!).toBeLessThan(280);
  });

  it("unknown while nothing leaves; known again from the rate once connections close", () => {
    const flat = run(Array.from({ length: 20 }, (_, i) => ({ t: i * 1000, active: 5, inactive: 0 })));
    expect(flat.every((e) => e === null)).toBe(true);
    expect(run([{ t: 0, active: 0, inactive: 0 }])).toEqual([0]);
    // a fresh tail at start: the bound itself
    expect(run([{ t: 0, active: 0, inactive: 7 }])).toEqual([B]);
  });

  it("the tail bound follows the protocol", () => {
    expect(tailBoundOf("tcp:10.0.0.1:80")).toBe(120);
    expect(tailBoundOf("udp:10.0.0.1:53")).toBe(300);
    expect(tailBoundOf("fwmark:7")).toBe(300);
    expect(tailBoundOf("sctp:[fd00::1]:9")).toBe(120);
  });
});
