// Runs in the ha lab's client namespace (bundled, plain node): downloads URL reading at most
// RATE bytes per second (the stream is paused between reads, so the TCP window closes and the
// connection stays established for the whole time), and prints one JSON line: status, bytes,
// ms, error. A download that must survive a failover is started with it before `lab fail`.
// usage: slow-download.js URL RATE_BYTES_PER_S TIMEOUT_MS
import { get } from "node:http";

const [url, rateArg, timeoutArg] = process.argv.slice(2);
const rate = Number(rateArg);
const timeout = Number(timeoutArg);
if (!url || !(rate > 0) || !(timeout > 0)) {
  console.error("usage: slow-download URL RATE_BYTES_PER_S TIMEOUT_MS");
  process.exit(2);
}
const start = Date.now();
let bytes = 0;
let status = 0;
const done = (error: string | null) => {
  console.log(JSON.stringify({ status, bytes, ms: Date.now() - start, error }));
  process.exit(error ? 1 : 0);
};
setTimeout(() => done(`timed out after ${timeout} ms`), timeout);
const req = get(url, { agent: false }, (res) => {
  status = res.statusCode ?? 0;
  res.on("data", (c: Buffer) => {
    bytes += c.length;
    // ahead of the allowed rate: pause until the average is back to it
    const ahead = bytes / rate - (Date.now() - start) / 1000;
    if (ahead > 0) {
      res.pause();
      setTimeout(() => res.resume(), ahead * 1000);
    }
  });
  res.on("end", () => done(null));
  res.on("error", (e) => done(String(e)));
  res.on("aborted", () => done("aborted"));
});
req.on("error", (e) => done(String(e)));
