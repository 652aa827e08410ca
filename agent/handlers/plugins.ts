// Handler modules written separately (conntable, sysctl/VIP, rules) plug in here without
// main.ts changing: each file below, if present, exports
//   createHandlers(deps: HandlerDeps): HandlerMap | Promise<HandlerMap>
// A missing file leaves its message types answering `unsupported`; a file that exists but
// fails to load is a real error and stops the agent.
import type { Role } from "../../protocol/messages.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { HandlerMap } from "./context.ts";
import { ipvsHandlers } from "./ipvs.ts";
import { HandlerRegistry } from "./registry.ts";
import { statsHandlers } from "./stats.ts";

export interface HandlerDeps {
  role: Role;
  /** null on a realserver agent, which does not open IPVS */
  ipvs: IpvsClient | null;
}

/** Paths relative to this file. */
export const PLUGIN_MODULES = ["./conns.ts", "./sysctl.ts", "./vip.ts", "./rules.ts"] as const;

interface PluginModule {
  createHandlers?: (deps: HandlerDeps) => HandlerMap | Promise<HandlerMap>;
}

function isMissingModule(err: unknown, spec: string): boolean {
  const e = err as { code?: string; message?: string };
  return (
    (e?.code === "ERR_MODULE_NOT_FOUND" || e?.code === "MODULE_NOT_FOUND") &&
    String(e.message).includes(spec.replace("./", "/"))
  );
}

export async function buildRegistry(
  deps: HandlerDeps,
  modules: readonly string[] = PLUGIN_MODULES,
): Promise<{ registry: HandlerRegistry; loaded: string[] }> {
  const registry = new HandlerRegistry();
  if (deps.ipvs) registry.use(ipvsHandlers(deps.ipvs)).use(statsHandlers(deps.ipvs));
  const loaded: string[] = [];
  for (const spec of modules) {
    let mod: PluginModule;
    try {
      mod = (await import(new URL(spec, import.meta.url).href)) as PluginModule;
    } catch (err) {
      if (isMissingModule(err, spec)) continue;
      throw err;
    }
    if (typeof mod.createHandlers !== "function") {
      throw new Error(`handler module ${spec} does not export createHandlers(deps)`);
    }
    registry.use(await mod.createHandlers(deps));
    loaded.push(spec);
  }
  return { registry, loaded };
}
