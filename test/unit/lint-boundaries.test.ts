// The folder boundaries of docs/architecture.md are enforced by biome (biome.json overrides): this
// runs the real linter with the project's config on files that cross them, and on files that
// don't, so a config change that silently drops a rule fails here.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../lab/paths.ts";

const dir = mkdtempSync(join(tmpdir(), "boundaries-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lint(file: string, source: string): { code: number | null; out: string } {
  const path = join(dir, file);
  mkdirSync(dirname(path), { recursive: true });
  copyFileSync(join(REPO_ROOT, "biome.json"), join(dir, "biome.json"));
  writeFileSync(path, source);
  const bin = join(REPO_ROOT, "node_modules", ".bin", "biome");
  const r = spawnSync(bin, ["lint", file], { cwd: dir, encoding: "utf8" });
  rmSync(path);
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("import boundaries", () => {
  it.each([
    ["protocol/x.ts", "../agent/ipvs/client.ts"],
    ["protocol/sub/x.ts", "../../server/store.ts"],
    ["agent/ipvs/x.ts", "../../server/hub.ts"],
    ["agent/x.ts", "../components/chart.tsx"],
    ["agent/x.ts", "../lab/api.ts"],
    ["server/x.ts", "../agent/main.ts"],
    ["server/api/x.ts", "../../components/drain-button.tsx"],
    ["components/x.tsx", "../server/hub.ts"],
    ["cli/x.ts", "../agent/ipvs/client.ts"],
    ["app/(fleet)/page.tsx", "../../server/store.ts"],
  ])("%s may not import %s", (file, target) => {
    const r = lint(file, `import { a } from "${target}";\nexport const b = a;\n`);
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("noRestrictedImports");
  });

  it.each([
    ["agent/x.ts", "../protocol/ipvs.ts"],
    ["server/x.ts", "../protocol/messages.ts"],
    ["components/x.tsx", "../protocol/ipvs.ts"],
    ["app/(fleet)/page.tsx", "../../components/fleet-overview.tsx"],
    ["protocol/x.ts", "./ip.ts"],
  ])("%s may import %s", (file, target) => {
    const r = lint(file, `import { a } from "${target}";\nexport const b = a;\n`);
    expect(r.out).not.toContain("noRestrictedImports");
    expect(r.code).toBe(0);
  });
});
