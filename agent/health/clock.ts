// The scheduler's view of time: the real one uses the event loop's timers; unit tests pass a
// fake that advances by hand, so retry and warmup run in milliseconds of test time.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** [0, 1) */
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref(); // checks never keep the agent alive on their own
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  random: Math.random,
};
