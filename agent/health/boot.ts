// The agent's health checks as agent/main.ts wires them: the manager, the intent-keeping
// client the handlers use, the checks file read at start (after the rules are restored,
// before the first check) and kept current afterwards.
import type { IpvsClient } from "../ipvs/types.ts";
import { keepChecksFile, readChecksFile } from "./checks-file.ts";
import { withHealthIntent } from "./intent-client.ts";
import { HealthManager } from "./manager.ts";

export interface AgentHealth {
  manager: HealthManager;
  /** what the handlers get instead of the plain client */
  client: IpvsClient;
  /** reads the checks file and starts the checks; returns lines for the log */
  start(): Promise<string[]>;
  /** pending checks-file writes done, checks stopped (shutdown) */
  stop(): Promise<void>;
}

export function createAgentHealth(
  ipvs: IpvsClient,
  o: { checksFile: string | null; allowScriptChecks: boolean; onError: (e: Error) => void },
): AgentHealth {
  const manager = new HealthManager(ipvs, { allowScriptChecks: o.allowScriptChecks, onError: o.onError });
  let flush: () => Promise<void> = async () => {};
  return {
    manager,
    client: withHealthIntent(ipvs, manager),
    async start() {
      const log: string[] = [];
      if (o.checksFile) {
        try {
          const file = await readChecksFile(o.checksFile);
          if (file) {
            const config = file.config;
            await manager.configure(config, file.alive);
            const n = config.services.reduce((a, s) => a + s.realServers.length, 0);
            log.push(`checks of ${n} real servers in ${config.services.length} services from ${o.checksFile}`);
          } else log.push(`no checks file ${o.checksFile} yet`);
        } catch (e) {
          // the agent still serves (and health.configure can fix it); the file is left as it is
          log.push(`${o.checksFile} not applied: ${(e as Error).message}`);
          return log;
        }
        flush = keepChecksFile(manager, o.checksFile, (e) => o.onError(new Error(`could not write ${o.checksFile}: ${e.message}`)));
      }
      return log;
    },
    async stop() {
      await flush();
      manager.stop();
    },
  };
}
