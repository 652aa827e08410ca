// Handler module for rules.export / rules.import / rules.diff (loaded by handler-modules.ts); the
// logic lives in agent/rules/. The keepalived format also reads and sets the health checks.
import type { HandlerMap } from "./context.ts";
import type { HandlerDeps } from "./deps.ts";
import { diffSource, exportRules, importRules } from "../rules/import.ts";

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const ipvs = deps.ipvs;
  if (!ipvs) return {};
  const health = deps.health ?? null;
  return {
    "rules.export": ({ format }) => exportRules(ipvs, format, health),
    "rules.import": ({ source, mode, dryRun, report, existing }) => importRules(ipvs, source, mode, dryRun, report, health, existing),
    "rules.diff": async ({ source }) => ({ changes: await diffSource(ipvs, source) }),
  };
}
