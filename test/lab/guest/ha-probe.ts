// Runs in the ha lab's client namespace (bundled, plain node): HTTP GETs to each target in turn
// for DURATION_MS, one new TCP connection each, at most TIMEOUT_MS per request, and prints one
// JSON line: per target the successes, failures, and the longest time without a success
// (from the last success before a failure to the first success after it), with the times of
// each failure, so a test or benchmark can say how long a failover cut traffic off.
// usage: ha-probe.js DURATION_MS PAUSE_MS TIMEOUT_MS TARGET...
import { get } from "node:http";

const [durationArg, pauseArg, timeoutArg, ...targets] = process.argv.slice(2);
const duration = Number(durationArg);
const pause = Number(pauseArg);
const timeout = Number(timeoutArg);
if (!(duration > 0 && pause >= 0 && timeout > 0 && targets.length > 0)) {
  console.error("usage: ha-probe DURATION_MS PAUSE_MS TIMEOUT_MS TARGET...");
  process.exit(2);
}

interface Tally {
  target: string;
  ok: number;
  failed: number;
  /** ms since the epoch of each failed request's start */
  failures: number[];
  lastOk: number | null;
  longestGapMs: number;
  /** when the longest gap began (the last success before it) */
  gapFrom: number | null;
  /** the bodies seen (the real servers answer their names) */
  answers: Record<string, number>;
}

function once(target: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = get({ host: target.split(":")[0], port: Number(target.split(":")[1] ?? 80), path: "/", agent: false, timeout }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => {
        body += c.toString();
      });
      res.on("end", () => resolve(res.statusCode === 200 ? body.trim() : null));
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(null));
  });
}

const tallies = targets.map((target): Tally => ({ target, ok: 0, failed: 0, failures: [], lastOk: null, longestGapMs: 0, gapFrom: null, answers: {} }));
const start = Date.now();
const end = start + duration;
while (Date.now() < end) {
  for (const t of tallies) {
    const at = Date.now();
    const body = await once(t.target);
    const done = Date.now();
    if (body !== null) {
      t.ok++;
      t.answers[body] = (t.answers[body] ?? 0) + 1;
      const from = t.lastOk ?? start;
      if (done - from > t.longestGapMs) {
        t.longestGapMs = done - from;
        t.gapFrom = from;
      }
      t.lastOk = done;
    } else {
      t.failed++;
      t.failures.push(at);
    }
    if (pause > 0) await new Promise((r) => setTimeout(r, pause));
  }
}
// a gap still open at the end counts up to the end
for (const t of tallies) {
  const from = t.lastOk ?? start;
  if (Date.now() - from > t.longestGapMs) {
    t.longestGapMs = Date.now() - from;
    t.gapFrom = from;
  }
}
console.log(JSON.stringify({ start, end: Date.now(), tallies: tallies.map(({ lastOk: _, ...rest }) => rest) }));
