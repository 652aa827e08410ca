// Edits of a director's health configuration, one service or one real server at a time. The
// agent's health.configure replaces the whole configuration, so the server reads it
// (health.get includeConfig), changes one part here and sends it all back; every result is
// parsed with the agent's own schema (HealthConfig) before it is sent.
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/keys.ts";
import type { RealServerHealthSettings, ServiceHealthSettings } from "@/protocol/dashboard/health.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { HealthConfig, type RealServerHealth, type ServiceHealth } from "@/protocol/health.ts";
import type { DestinationConfig, DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";

const sameService = (a: ServiceKey, key: string) => serviceKeyString(a) === key;

/** The service's health entry, or undefined. */
export function serviceOf(config: HealthConfig, service: string): ServiceHealth | undefined {
  return config.services.find((s) => sameService(s.key, service));
}

export function realServerOf(config: HealthConfig, service: string, destination: string): RealServerHealth | undefined {
  return serviceOf(config, service)?.realServers.find((r) => destinationKeyString(r.key) === destination);
}

/** Parsed with the agent's schema: a bad combination is a 400 naming the field. */
export function checked(config: unknown): HealthConfig {
  const r = HealthConfig.safeParse(config);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  throw new ProtocolError("bad_request", `health configuration: ${first.path.join(".")}: ${first.message}`, { issues: r.error.issues.map((i) => ({ path: i.path, message: i.message })) });
}

function withService(config: HealthConfig, key: ServiceKey, fn: (s: ServiceHealth | undefined) => ServiceHealth | null): HealthConfig {
  const sk = serviceKeyString(key);
  const at = config.services.findIndex((s) => sameService(s.key, sk));
  const next = fn(at < 0 ? undefined : config.services[at]);
  const services = [...config.services];
  if (at < 0) {
    if (next) services.push(next);
  } else if (next) services[at] = next;
  else services.splice(at, 1);
  return checked({ services });
}

/** Sets a service's defaults and pool settings; its real servers stay. */
export function setServiceSettings(config: HealthConfig, key: ServiceKey, settings: ServiceHealthSettings): HealthConfig {
  return withService(config, key, (s) => ({ ...settings, key, realServers: s?.realServers ?? [] }) as ServiceHealth);
}

/** Removes the service's health configuration (its real servers are no longer checked). */
export function removeService(config: HealthConfig, key: ServiceKey): HealthConfig {
  if (!serviceOf(config, serviceKeyString(key))) throw new ProtocolError("not_found", `service ${serviceKeyString(key)} has no health checks`);
  return withService(config, key, () => null);
}

/** Sets one real server's checks; `destConfig` is what health puts back on recovery. */
export function setRealServer(
  config: HealthConfig,
  service: ServiceKey,
  key: DestinationKey,
  destConfig: DestinationConfig,
  settings: RealServerHealthSettings,
): HealthConfig {
  const dk = destinationKeyString(key);
  return withService(config, service, (s) => {
    const base: ServiceHealth = s ?? ({ key: service, quorum: 1, hysteresis: 0, sorryServer: null, realServers: [] } as ServiceHealth);
    const rs = { ...settings, key, config: destConfig } as RealServerHealth;
    const at = base.realServers.findIndex((r) => destinationKeyString(r.key) === dk);
    const realServers = [...base.realServers];
    if (at < 0) realServers.push(rs);
    else realServers[at] = rs;
    return { ...base, realServers };
  });
}

/** Stops checking one real server (the service entry stays, with its settings). */
export function removeRealServer(config: HealthConfig, service: ServiceKey, key: DestinationKey): HealthConfig {
  const dk = destinationKeyString(key);
  return withService(config, service, (s) => {
    if (!s?.realServers.some((r) => destinationKeyString(r.key) === dk)) {
      throw new ProtocolError("not_found", `real server ${dk} of ${serviceKeyString(service)} has no health checks`);
    }
    return { ...s, realServers: s.realServers.filter((r) => destinationKeyString(r.key) !== dk) };
  });
}
