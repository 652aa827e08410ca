// Payloads and results of the IPVS messages (services, destinations, timeouts, daemons, stats).
// Updates are patches: the agent reads the current config and sends the kernel a full
// replacement, so clients never fall into SET_SERVICE/SET_DEST's "omitted means reset" trap.
import {
  Destination,
  DestinationConfig,
  DestinationKey,
  Forwarding,
  IpvsInfo,
  Persistence,
  Scheduler,
  SchedulerFlag,
  Service,
  ServiceKey,
  ServiceState,
  Stats,
  SyncDaemon,
  Timeouts,
  Tunnel,
} from "../ipvs.ts";
import { z } from "zod";

/** Request ids are client-chosen strings; subscriptions are named by their request's id. */
export const RequestId = z.string().min(1).max(128);

export const Empty = z.object({});
/** Mutations answer an empty object: the caller re-reads state when it needs it. */
export const Ack = z.object({});

export { IpvsInfo, Timeouts };
/**
 * A listed service. `unknownScheduler` is present only when the kernel's scheduler is none of
 * the known ones (a third-party module, e.g. "twos"): config.scheduler is then the placeholder
 * "none", and service.update refuses to write that placeholder back unless the patch names a
 * scheduler. Added in protocol version 1 without a bump: older readers ignore it.
 */
export const ListedService = ServiceState.extend({ unknownScheduler: z.string().min(1).max(64).optional() });
export type ListedService = z.infer<typeof ListedService>;
export const ServiceList = z.array(ListedService);
export const ServiceGet = z.object({ key: ServiceKey });
export const ServiceCreate = Service;
export const ServiceDelete = z.object({ key: ServiceKey });

const Weight = z.number().int().min(0).max(2147483647);

export const ServiceConfigPatch = z.object({
  scheduler: Scheduler.optional(),
  schedulerFlags: z.array(SchedulerFlag).optional(),
  persistence: Persistence.nullable().optional(),
  pe: z.enum(["sip"]).nullable().optional(),
  onePacket: z.boolean().optional(),
});
export type ServiceConfigPatch = z.infer<typeof ServiceConfigPatch>;
export const ServiceUpdate = z.object({ key: ServiceKey, config: ServiceConfigPatch });
/** service.update answers the full config the kernel now has. */
export const ServiceUpdated = Service;

export const DestCreate = z.object({ service: ServiceKey, destination: Destination });
export const DestinationConfigPatch = z.object({
  forwarding: Forwarding.optional(),
  weight: Weight.optional(),
  upperThreshold: Weight.optional(),
  lowerThreshold: Weight.optional(),
  tunnel: Tunnel.nullable().optional(),
});
export type DestinationConfigPatch = z.infer<typeof DestinationConfigPatch>;
export const DestUpdate = z.object({
  service: ServiceKey,
  key: DestinationKey,
  config: DestinationConfigPatch,
});
/**
 * dest.update answers the destination it wrote, and (agents since issue 15) what it was
 * before, with the kernel's connection counts then: a drain needs nothing else, so it is one
 * round trip. `inKernel` says the answered config is what the kernel now holds (false while
 * health checks hold the real server out: the operator's intent is answered, the kernel's entry
 * is health's), so the server may apply it to its table instead of re-listing. Both fields are
 * optional: an older agent answers the destination alone.
 */
export const DestUpdated = Destination.extend({
  previous: z.object({ config: DestinationConfig, activeConns: z.number().int().min(0), inactiveConns: z.number().int().min(0) }).optional(),
  inKernel: z.boolean().optional(),
});
export type DestUpdated = z.infer<typeof DestUpdated>;
export const DestDelete = z.object({ service: ServiceKey, key: DestinationKey });

export const TimeoutsSet = Timeouts.partial();
/** Zero one service's counters, or every counter when key is absent. */
export const ZeroPayload = z.object({ key: ServiceKey.optional() });

export const DaemonList = z.array(SyncDaemon);
export const DaemonStart = SyncDaemon;
export const DaemonStop = z.object({
  state: SyncDaemon.shape.state,
  syncId: z.number().int().min(0).max(255).optional(),
});

export const STATS_MIN_INTERVAL_MS = 200;
export const STATS_DEFAULT_INTERVAL_MS = 1000;
export const StatsSubscribe = z.object({
  intervalMs: z
    .number()
    .int()
    .min(STATS_MIN_INTERVAL_MS)
    .max(3_600_000)
    .default(STATS_DEFAULT_INTERVAL_MS),
  /** only these services; all when absent */
  services: z.array(ServiceKey).max(10_000).optional(),
});
export const StatsSubscribed = z.object({ subscription: RequestId, intervalMs: z.number().int() });
export const StatsUnsubscribe = z.object({ subscription: RequestId });

export const DestinationStats = z.object({
  key: DestinationKey,
  weight: Weight,
  activeConns: z.number().int(),
  inactiveConns: z.number().int(),
  persistConns: z.number().int(),
  stats: Stats,
});
export const ServiceStats = z.object({
  key: ServiceKey,
  /** sums over the service's destinations */
  activeConns: z.number().int(),
  inactiveConns: z.number().int(),
  stats: Stats,
  destinations: z.array(DestinationStats),
});
export type ServiceStats = z.infer<typeof ServiceStats>;
/** One push of a stats subscription (topic "stats"). */
export const StatsSnapshot = z.object({
  /** agent clock, ms since the epoch */
  time: z.number(),
  services: z.array(ServiceStats),
});
export type StatsSnapshot = z.infer<typeof StatsSnapshot>;
