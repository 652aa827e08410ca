// The folder boundaries of docs/architecture.md are allow-lists in .dependency-cruiser.cjs (run
// by `npm run lint`): this runs the real dependency-cruiser with the project's config on a copy
// of one importer and one real file of the repo it imports, crossing a boundary or not, so a
// config change that silently drops or widens a rule fails here. Every target is a file that
// exists in the repo, so each message names a real file.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@/lab/paths.ts";

const root = mkdtempSync(join(tmpdir(), "boundaries-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** Cruises `file` (importing repo file `target` through `spec`) with the project's config. */
function cruise(file: string, target: string, spec: string, targetText = "export const a = 1;\n"): { code: number | null; out: string } {
  const dir = join(root, String(n++));
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(REPO_ROOT, ".dependency-cruiser.cjs"), join(dir, ".dependency-cruiser.cjs"));
  // the project's compiler options (its "@/" paths), over the files of the copy
  const tsconfig = JSON.parse(readFileSync(join(REPO_ROOT, "tsconfig.json"), "utf8"));
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ ...tsconfig, include: ["**/*"] }));
  for (const [path, text] of [[target, targetText], [file, `import { a } from "${spec}";\nexport const b = a;\n`]] as const) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const bin = join(REPO_ROOT, "node_modules", ".bin", "depcruise");
  const r = spawnSync(bin, ["--config", ".dependency-cruiser.cjs", file], { cwd: dir, encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

/** The specifier `file` would use: "@/<target>" across top folders, relative inside one. */
function specOf(file: string, target: string): string {
  if (file.split("/")[0] !== target.split("/")[0]) return `@/${target}`;
  const r = relative(dirname(file), target);
  return r.startsWith(".") ? r : `./${r}`;
}

describe("import boundaries (allow-lists)", () => {
  it.each([
    ["protocol/x.ts", "agent/ipvs/client.ts"],
    ["protocol/x.ts", "test/unit/agent-ws-fakes.ts"],
    ["protocol/ipvsadm/x.ts", "server/dashboard.ts"],
    ["protocol/x.ts", "protocol/node/agent-client.ts"],
    ["agent/ipvs/x.ts", "server/live/hub.ts"],
    ["agent/x.ts", "components/ui/button.tsx"],
    ["agent/x.ts", "lab/api.ts"],
    ["server/x.ts", "agent/main.ts"],
    ["server/x.ts", "lab/api.ts"],
    ["server/http/x.ts", "components/drain/drain-controls.tsx"],
    ["components/x.tsx", "server/live/hub.ts"],
    ["components/x.tsx", "cli/lvsctl.ts"],
    ["components/x.tsx", "protocol/node/agent-tls.ts"],
    ["cli/x.ts", "agent/ipvs/client.ts"],
    ["app/(fleet)/page.tsx", "server/dashboard.ts"],
  ])("%s may not import %s", (file, target) => {
    expect(existsSync(join(REPO_ROOT, target)), `${target} is in the repo`).toBe(true);
    const r = cruise(file, target, specOf(file, target));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(`not-in-allowed: ${file} → ${target}`);
  });

  it.each([
    ["agent/x.ts", "protocol/ipvs.ts"],
    ["agent/x.ts", "protocol/node/agent-tls.ts"],
    ["server/x.ts", "protocol/agent/catalog.ts"],
    ["components/x.tsx", "protocol/ipvs.ts"],
    ["components/x.tsx", "protocol/dashboard/views.ts"],
    ["app/(fleet)/page.tsx", "components/fleet/fleet-overview.tsx"],
    ["protocol/x.ts", "protocol/ip.ts"],
    ["test/unit/x.test.ts", "server/dashboard.ts"],
  ])("%s may import %s", (file, target) => {
    expect(existsSync(join(REPO_ROOT, target)), `${target} is in the repo`).toBe(true);
    const r = cruise(file, target, specOf(file, target));
    expect(r.out).toContain("no dependency violations");
    expect(r.code).toBe(0);
  });

  it("refuses an import that names no file", () => {
    const r = cruise("server/x.ts", "server/y.ts", "./missing.ts");
    expect(r.code).not.toBe(0);
    expect(r.out).toContain("not-resolvable: server/x.ts → ./missing.ts");
  });

  it("refuses two files that import each other", () => {
    const r = cruise("server/store/x.ts", "server/store/audit.ts", "./audit.ts", 'import { b } from "./x.ts";\nexport const a = b;\n');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/no-circular: server\/store\/audit.ts →\s+server\/store\/x.ts →/);
  });
});
