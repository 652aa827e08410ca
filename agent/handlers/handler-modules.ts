// The fixed list of handler modules beside the built-in IPVS and stats handlers (rules, connection table,
// sysctl, VIP/readiness), each exporting createHandlers(deps). They are imported statically so the
// agent bundles into one file (npm run build:agent) that starts fast on a director.
import { haHandlers } from "../ha/index.ts";
import { healthHandlers } from "../health/handlers.ts";
import * as conns from "./conns.ts";
import type { HandlerMap } from "./context.ts";
import type { HandlerDeps } from "./deps.ts";
import { ipvsHandlers } from "./ipvs.ts";
import { HandlerRegistry } from "./registry.ts";
import * as rules from "./rules.ts";
import { statsHandlers } from "./stats.ts";
import * as sysctl from "./sysctl.ts";
import * as vip from "./vip.ts";

export interface HandlerModule {
  name: string;
  createHandlers(deps: HandlerDeps): HandlerMap | Promise<HandlerMap>;
}

export const HANDLER_MODULES: readonly HandlerModule[] = [
  { name: "rules", createHandlers: rules.createHandlers },
  { name: "conns", createHandlers: conns.createHandlers },
  { name: "sysctl", createHandlers: sysctl.createHandlers },
  { name: "vip", createHandlers: vip.createHandlers },
];

export async function buildRegistry(
  deps: HandlerDeps,
  modules: readonly HandlerModule[] = HANDLER_MODULES,
): Promise<{ registry: HandlerRegistry; loaded: string[] }> {
  const registry = new HandlerRegistry();
  if (deps.ipvs) registry.use(ipvsHandlers(deps.ipvs)).use(statsHandlers(deps.ipvs));
  if (deps.ha) registry.use(haHandlers(deps.ha));
  if (deps.health) registry.use(healthHandlers(deps.health));
  for (const m of modules) registry.use(await m.createHandlers(deps));
  return { registry, loaded: modules.map((m) => m.name) };
}
