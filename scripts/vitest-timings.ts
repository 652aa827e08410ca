// A silent vitest reporter: each test file's duration, slowest first, in
// test-results/vitest-timings.json (a CI artifact, for keeping `npm test` within its 45-minute
// budget). Silent so the run's output still ends with the default reporter's summary.
import { mkdirSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

export default class TimingsReporter implements Reporter {
  onTestRunEnd(modules: readonly TestModule[]): void {
    const files = modules
      .map((m) => ({ file: relative(process.cwd(), m.moduleId), project: m.project.name, seconds: Math.round(m.diagnostic().duration) / 1000, state: m.state() }))
      .sort((a, b) => b.seconds - a.seconds);
    mkdirSync("test-results", { recursive: true });
    writeFileSync("test-results/vitest-timings.json", `${JSON.stringify({ files, totalSeconds: files.reduce((s, f) => s + f.seconds, 0) }, null, 2)}\n`);
  }
}
