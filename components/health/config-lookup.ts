// A service's or a real server's entry in the agent's health configuration, by the dashboard's
// key strings (the same lookup as server/health/config-edit.ts, which components may not import).
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/keys.ts";
import type { HealthConfig, RealServerHealth, ServiceHealth } from "@/protocol/health.ts";

export function findService(config: HealthConfig, service: string): ServiceHealth | undefined {
  return config.services.find((s) => serviceKeyString(s.key) === service);
}

export function findRealServer(config: HealthConfig, service: string, dest: string): RealServerHealth | undefined {
  return findService(config, service)?.realServers.find((r) => destinationKeyString(r.key) === dest);
}
