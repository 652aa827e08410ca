// Handler module for rules.export / rules.import / rules.diff (loaded by plugins.ts); the
// logic lives in agent/rules/.
import type { HandlerMap } from "./context.ts";
import type { HandlerDeps } from "./plugins.ts";
import { diffSource, exportRules, importRules } from "../rules/import.ts";

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const ipvs = deps.ipvs;
  if (!ipvs) return {};
  return {
    "rules.export": ({ format }) => exportRules(ipvs, format),
    "rules.import": ({ source, mode, dryRun, report }) => importRules(ipvs, source, mode, dryRun, report),
    "rules.diff": async ({ source }) => ({ changes: await diffSource(ipvs, source) }),
  };
}
