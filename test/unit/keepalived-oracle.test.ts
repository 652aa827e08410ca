// The real keepalived (Debian's 2.2.7, /usr/sbin/keepalived) as the oracle of the format:
// `keepalived -t -f FILE -l` must accept every fixture and what we export from it, with no
// "Unknown keyword" (it exits 0 with those) and no complaint. A missing keepalived fails.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportKeepalived } from "@/protocol/keepalived/export.ts";
import { parseKeepalived } from "@/protocol/keepalived/parse.ts";

const KEEPALIVED = "/usr/sbin/keepalived";
const DIR = "test/fixtures/keepalived";
/** the one complaint a fixture makes on purpose: the deprecated nb_get_retry we accept */
const EXPECTED = /nb_get_retry is deprecated/;

function complaints(file: string): string[] {
  const r = spawnSync(KEEPALIVED, ["-t", "-f", file, "-l"], { encoding: "utf8", timeout: 30_000 });
  if (r.error) throw new Error(`${KEEPALIVED} could not run: ${r.error.message}`);
  const lines = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.trim() !== "");
  // Observed with 2.2.7: exit 5 once any config error was reported (our expected deprecation
  // is one), and a config with a MISC_CHECK ends by SIGTERM ("Terminated") after a clean test.
  const clean = r.status === 0 || (r.status === 5 && lines.some((l) => EXPECTED.test(l))) || (r.signal === "SIGTERM" && lines.every((l) => l === "Terminated"));
  const out = lines.filter((l) => !EXPECTED.test(l) && l !== "Terminated");
  if (!clean) out.push(`exit status ${r.status} signal ${r.signal}`);
  return out;
}

describe("keepalived -t", () => {
  const fixtures = readdirSync(DIR).filter((f) => f.endsWith(".conf"));
  it("has fixtures", () => expect(fixtures.length).toBeGreaterThanOrEqual(4));
  for (const f of fixtures) {
    it(`accepts ${f} and our export of it`, () => {
      expect(complaints(join(DIR, f))).toEqual([]);
      const tmp = mkdtempSync(join(tmpdir(), "kad-"));
      const out = join(tmp, f);
      const parsed = parseKeepalived(readFileSync(join(DIR, f), "utf8"), { file: f });
      writeFileSync(out, exportKeepalived(parsed));
      expect(complaints(out)).toEqual([]);
    });
  }
  it("is a real oracle: it names an unknown keyword", () => {
    const tmp = mkdtempSync(join(tmpdir(), "kad-"));
    const bad = join(tmp, "bad.conf");
    writeFileSync(bad, "virtual_server 10.0.0.1 80 {\n    protocol TCP\n    connet_timeout 3\n}\n");
    expect(complaints(bad).join("\n")).toMatch(/Unknown keyword 'connet_timeout'/);
  });
});
