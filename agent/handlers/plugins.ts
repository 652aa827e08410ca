// The handler modules beside the built-in IPVS and stats handlers (rules, and later conntable,
// sysctl and VIP), each exporting createHandlers(deps). They are imported statically so the
// agent bundles into one file (npm run build:agent) that starts fast on a director.
import type { Role } from "../../protocol/messages.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { HandlerMap } from "./context.ts";
import { ipvsHandlers } from "./ipvs.ts";
import { HandlerRegistry } from "./registry.ts";
import * as rules from "./rules.ts";
import { statsHandlers } from "./stats.ts";

export interface HandlerDeps {
  role: Role;
  /** null on a realserver agent, which does not open IPVS */
  ipvs: IpvsClient | null;
}

export interface HandlerModule {
  name: string;
  createHandlers(deps: HandlerDeps): HandlerMap | Promise<HandlerMap>;
}

export const HANDLER_MODULES: readonly HandlerModule[] = [{ name: "rules", createHandlers: rules.createHandlers }];

export async function buildRegistry(
  deps: HandlerDeps,
  modules: readonly HandlerModule[] = HANDLER_MODULES,
): Promise<{ registry: HandlerRegistry; loaded: string[] }> {
  const registry = new HandlerRegistry();
  if (deps.ipvs) registry.use(ipvsHandlers(deps.ipvs)).use(statsHandlers(deps.ipvs));
  for (const m of modules) registry.use(await m.createHandlers(deps));
  return { registry, loaded: modules.map((m) => m.name) };
}
