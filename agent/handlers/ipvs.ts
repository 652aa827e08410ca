// Message handlers for the IPVS table, on top of the IpvsClient interface. Updates are
// read-modify-write: the kernel's SET_SERVICE / SET_DEST replace everything, so the current
// config is read first and the patch applied over it.
import { ProtocolError } from "@/protocol/errors.ts";
import type { DestinationConfig, ServiceConfig, ServiceKey } from "@/protocol/ipvs.ts";
import type { DestinationConfigPatch, ServiceConfigPatch } from "@/protocol/agent/ipvs.ts";
import { servicesToRows } from "@/protocol/agent/compact.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { HandlerMap } from "./context.ts";

export function mergeServiceConfig(cur: ServiceConfig, patch: ServiceConfigPatch): ServiceConfig {
  const next: ServiceConfig = { ...cur };
  if (patch.scheduler !== undefined) next.scheduler = patch.scheduler;
  if (patch.schedulerFlags !== undefined) next.schedulerFlags = patch.schedulerFlags;
  if (patch.persistence !== undefined) next.persistence = patch.persistence;
  if (patch.pe !== undefined) next.pe = patch.pe;
  if (patch.onePacket !== undefined) next.onePacket = patch.onePacket;
  return next;
}

export function mergeDestinationConfig(
  cur: DestinationConfig,
  patch: DestinationConfigPatch,
): DestinationConfig {
  const next: DestinationConfig = { ...cur };
  if (patch.forwarding !== undefined) next.forwarding = patch.forwarding;
  if (patch.weight !== undefined) next.weight = patch.weight;
  if (patch.upperThreshold !== undefined) next.upperThreshold = patch.upperThreshold;
  if (patch.lowerThreshold !== undefined) next.lowerThreshold = patch.lowerThreshold;
  if (patch.tunnel !== undefined) next.tunnel = patch.tunnel;
  // a tunnel spec only means something for tunnel forwarding
  if (next.forwarding !== "tunnel") next.tunnel = null;
  return next;
}

function describe(key: ServiceKey): string {
  return key.protocol === "fwmark"
    ? `fwmark ${key.fwmark} (${key.family})`
    : `${key.protocol} ${key.address}:${key.port}`;
}

export function ipvsHandlers(ipvs: IpvsClient): HandlerMap {
  async function mustGetService(key: ServiceKey) {
    const svc = await ipvs.getService(key);
    if (!svc) throw new ProtocolError("not_found", `no service ${describe(key)}`);
    return svc;
  }
  return {
    "ipvs.info": () => ipvs.info(),
    "service.list": () => ipvs.listServices(),
    "service.list.compact": async () => ({
      services: ipvs.listServiceRows ? await ipvs.listServiceRows() : servicesToRows(await ipvs.listServices()),
    }),
    "service.get": ({ key }) => ipvs.getService(key),
    "service.create": async (svc) => {
      await ipvs.createService(svc);
      return {};
    },
    "service.update": async ({ key, config }) => {
      const cur = await mustGetService(key);
      const unknown = (cur as { unknownScheduler?: string }).unknownScheduler;
      if (unknown !== undefined && config.scheduler === undefined) {
        // the listed "none" is a placeholder: writing it back would unbind the real scheduler
        throw new ProtocolError(
          "conflict",
          `${describe(key)} uses the scheduler "${unknown}", which this agent cannot write back: name a scheduler in the update`,
        );
      }
      const next = { key, config: mergeServiceConfig(cur.config, config) };
      await ipvs.updateService(next);
      return next;
    },
    "service.delete": async ({ key }) => {
      await ipvs.deleteService(key);
      return {};
    },
    "dest.create": async ({ service, destination }) => {
      await ipvs.createDestination(service, destination);
      return {};
    },
    "dest.update": async ({ service, key, config }) => {
      // a checked real server: the patch goes over the operator's intent, not over what health
      // wrote while it is down (weight 0, or nothing: a removed server is still the operator's)
      const owned = ipvs.operatorConfig?.(service, key) ?? null;
      // listed also when owned: the answer carries the connection counts before the change
      const listed = owned ? await ipvs.listDestinations(service).catch(() => []) : await ipvs.listDestinations(service);
      const inKernel = listed.find((d) => d.key.address === key.address && d.key.port === key.port);
      const cur = owned ?? inKernel?.config;
      if (!cur) {
        throw new ProtocolError("not_found", `no destination ${key.address}:${key.port} in ${describe(service)}`);
      }
      const next = { key, config: mergeDestinationConfig(cur, config) };
      await ipvs.updateDestination(service, next);
      const previous = { config: cur, activeConns: inKernel?.activeConns ?? 0, inactiveConns: inKernel?.inactiveConns ?? 0 };
      return { ...next, previous, inKernel: owned === null };
    },
    "dest.delete": async ({ service, key }) => {
      await ipvs.deleteDestination(service, key);
      return {};
    },
    "timeouts.get": () => ipvs.getTimeouts(),
    "timeouts.set": async (t) => {
      await ipvs.setTimeouts(t);
      return {};
    },
    zero: async ({ key }) => {
      await ipvs.zero(key);
      return {};
    },
    flush: async () => {
      await ipvs.flush();
      return {};
    },
    "daemon.list": () => ipvs.listDaemons(),
    "daemon.start": async (d) => {
      await ipvs.startDaemon(d);
      return {};
    },
    "daemon.stop": async ({ state, syncId }) => {
      await ipvs.stopDaemon(state, syncId);
      return {};
    },
  };
}
