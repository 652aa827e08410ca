// deploy/prometheus/ checked by Debian's promtool: the scrape config, the alert rules and the
// rule unit tests (deploy/prometheus/tests/). A missing promtool fails these tests.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error) throw new Error(`promtool could not run (npm run lab -- fetch installs it): ${r.error.message}`);
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe("deploy/prometheus", () => {
  const dir = mkdtempSync(join(tmpdir(), "lvs-prometheus-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prometheus.yml passes promtool check config (with the secrets it names in place)", () => {
    // the files as they are in the repo, plus the secrets an operator adds beside them
    cpSync("deploy/prometheus", dir, { recursive: true });
    mkdirSync(join(dir, "secrets"));
    for (const f of ["metrics.token", "agent.token", "agents-ca.pem"]) writeFileSync(join(dir, "secrets", f), "token-0123456789abcdef\n", { mode: 0o600 });
    const r = promtool("check", "config", join(dir, "prometheus.yml"));
    expect(r.output).toContain("is valid prometheus config file syntax");
    expect(r.output).toContain("SUCCESS: 6 rules found");
    expect(r.status).toBe(0);
  });

  it("every http_sd authorization says type: Bearer (2.42 sends the bare token otherwise: 401)", () => {
    const text = readFileSync("deploy/prometheus/prometheus.yml", "utf8");
    const sd = text.slice(text.indexOf("http_sd_configs:"));
    const blocks = sd.split(/\n\s*authorization:\n/).slice(1);
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b.split("\n").slice(0, 3).join("\n")).toMatch(/^\s+type: Bearer$/m);
  });

  it("the alert rules pass promtool check rules", () => {
    const r = promtool("check", "rules", "deploy/prometheus/rules/lvs-fleet.rules.yml");
    expect(r.output).toContain("SUCCESS: 6 rules found");
    expect(r.status).toBe(0);
  });

  it("the rule unit tests pass promtool test rules", () => {
    const r = promtool("test", "rules", "deploy/prometheus/tests/lvs-fleet.test.yml");
    expect(r.output).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("a broken rule test fails (the check can fail)", () => {
    const bad = join(dir, "bad.test.yml");
    const text = readFileSync("deploy/prometheus/tests/lvs-fleet.test.yml", "utf8");
    writeFileSync(bad, text.replace("../rules/lvs-fleet.rules.yml", join(process.cwd(), "deploy/prometheus/rules/lvs-fleet.rules.yml")).replace('summary: "director dir2 is not linked to the dashboard"', 'summary: "wrong"'));
    const r = promtool("test", "rules", bad);
    expect(r.status).not.toBe(0);
  });
});
