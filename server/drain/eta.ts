// Time left in a drain from the recent slope of (active + inactive) connections: a least
// squares line over the last WINDOW_MS of samples. null while it is unknown (too few
// samples, or the count is not falling).

const WINDOW_MS = 30_000;

export interface CountSample {
  t: number;
  count: number;
}

/** Appends `s` and drops samples older than the window, and the oldest beyond `max` (a
 * fast stats rate, or several directors of a group drain, must not grow the window's array). */
export function pushSample(samples: CountSample[], s: CountSample, max = 600): void {
  samples.push(s);
  let drop = 0;
  while (drop < samples.length && (samples[drop]!.t < s.t - WINDOW_MS || samples.length - drop > max)) drop++;
  if (drop > 0) samples.splice(0, drop);
}

/** Seconds until the count reaches 0 at the recent rate. */
export function etaSeconds(samples: readonly CountSample[]): number | null {
  const last = samples[samples.length - 1];
  if (!last) return null;
  if (last.count === 0) return 0;
  if (samples.length < 3) return null;
  const n = samples.length;
  let st = 0;
  let sc = 0;
  for (const s of samples) {
    st += s.t;
    sc += s.count;
  }
  const mt = st / n;
  const mc = sc / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.count - mc);
    den += (s.t - mt) ** 2;
  }
  if (den === 0) return null;
  const slopePerMs = num / den;
  if (slopePerMs >= 0) return null;
  return Math.max(0, Math.round(last.count / -slopePerMs / 1000));
}
