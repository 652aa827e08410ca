// The audit page's action filter offers the actions the server's health code writes: the
// automatic transitions (server/health/audit.ts) and the operators' check edits
// (server/http/routes-health.ts), so filtering by them finds those entries; and every action
// the server writes by name (a new one missing from the filter fails here).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEALTH_ACTION } from "@/server/health/audit.ts";

// a .tsx module: loaded by path (the root tsconfig that checks test/ has no JSX)
const AUDIT_LOG = "../../components/audit/audit-log.tsx";
const { AUDIT_ACTIONS } = (await import(/* @vite-ignore */ AUDIT_LOG)) as { AUDIT_ACTIONS: readonly string[] };

describe("the audit filter's health actions", () => {
  it("has the automatic transitions' action", () => {
    expect(AUDIT_ACTIONS).toContain(HEALTH_ACTION);
  });

  it("has every action the health routes audit", () => {
    const routes = readFileSync(join(import.meta.dirname, "../../server/http/routes-health.ts"), "utf8");
    const actions = new Set([...routes.matchAll(/action: "([a-z]+\.[a-z]+)"/g)].map((m) => m[1]!));
    expect(actions.size).toBeGreaterThan(0);
    for (const a of actions) expect(AUDIT_ACTIONS, a).toContain(a);
  });
});

describe("the audit filter's actions", () => {
  it("has every action written literally anywhere in server/, and the ipvsadm verbs on a director and a group", () => {
    const root = join(import.meta.dirname, "../../server");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const actions = new Set<string>();
    for (const f of files) for (const m of readFileSync(join(root, f), "utf8").matchAll(/action: "([a-z]+(?:\.[a-z]+)+)"/g)) actions.add(m[1]!);
    expect(actions.size).toBeGreaterThan(20);
    const ipvsadm = readFileSync(join(root, "http/routes-ipvsadm.ts"), "utf8");
    const verbs = /const WRITES = \[([^\]]+)\]/.exec(ipvsadm)![1]!.match(/"[^"]+"/g)!.map((v) => v.slice(1, -1));
    expect(verbs).toContain("flush");
    for (const v of verbs) actions.add(v).add(`group.${v}`);
    for (const a of actions) expect(AUDIT_ACTIONS, a).toContain(a);
  });
});
