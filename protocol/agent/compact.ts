// service.list.compact: the same table as service.list in rows instead of objects. A 5,000
// service / 20,000 real server table is 8.6 MB as service.list objects (field names repeated
// 25,000 times, ten named counters per entry) and about a sixth of that as rows; on a small
// director the JSON of the objects alone took seconds. expandServiceRows() gives back exactly
// the objects of service.list (ListedService), so a client can switch transparently.
import {
  DestinationConfig,
  Forwarding,
  IpAddress,
  Persistence,
  Port,
  Scheduler,
  SchedulerFlag,
  ServiceKey,
  type Stats,
  Tunnel,
} from "../ipvs.ts";
import type { ListedService } from "./ipvs.ts";
import { z } from "zod";

/** The order of the counters in a stats row (the fields of Stats). */
export const STATS_FIELDS = [
  "conns", "inPkts", "outPkts", "inBytes", "outBytes", "cps", "inPps", "outPps", "inBps", "outBps",
] as const satisfies readonly (keyof Stats)[];

/** as Stats and DestinationState (protocol/ipvs.ts) check them */
const Counter = z.number();
const Count = z.number().int();
/** The ten counters in STATS_FIELDS order, or 0 when all of them are 0 (idle tables). */
export const StatsRow = z.union([
  z.literal(0),
  z.tuple([Counter, Counter, Counter, Counter, Counter, Counter, Counter, Counter, Counter, Counter]),
]);
export type StatsRow = z.infer<typeof StatsRow>;

const Weight = DestinationConfig.shape.weight;
/** [address, port, forwarding, weight, upper, lower, tunnel, active, inactive, persistent, stats] */
export const DestinationRow = z.tuple([
  IpAddress, Port, Forwarding, Weight, Weight, Weight, Tunnel.nullable(), Count, Count, Count, StatsRow,
]);
export type DestinationRow = z.infer<typeof DestinationRow>;

/**
 * [key, scheduler, schedulerFlags, persistence, pe, onePacket, stats, destinations]. The
 * scheduler is the kernel's raw name: one outside Scheduler expands to "none" plus
 * unknownScheduler, as service.list reports it.
 */
export const ServiceRow = z.tuple([
  ServiceKey,
  z.string().min(1).max(64),
  z.array(SchedulerFlag),
  Persistence.nullable(),
  z.enum(["sip"]).nullable(),
  z.boolean(),
  StatsRow,
  z.array(DestinationRow),
]);
export type ServiceRow = z.infer<typeof ServiceRow>;

export const ServiceListCompact = z.object({ services: z.array(ServiceRow) });
export type ServiceListCompact = z.infer<typeof ServiceListCompact>;

export function statsToRow(s: Stats): StatsRow {
  const row = STATS_FIELDS.map((f) => s[f]);
  return row.every((v) => v === 0) ? 0 : (row as Exclude<StatsRow, 0>);
}

export function statsFromRow(r: StatsRow): Stats {
  if (r === 0) return { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
  return {
    conns: r[0], inPkts: r[1], outPkts: r[2], inBytes: r[3], outBytes: r[4],
    cps: r[5], inPps: r[6], outPps: r[7], inBps: r[8], outBps: r[9],
  };
}

/** service.list's objects as rows (for agents whose client has no direct row listing). */
export function servicesToRows(services: readonly ListedService[]): ServiceRow[] {
  return services.map((s) => [
    s.key,
    s.unknownScheduler ?? s.config.scheduler,
    s.config.schedulerFlags,
    s.config.persistence,
    s.config.pe,
    s.config.onePacket,
    statsToRow(s.stats),
    s.destinations.map((d): DestinationRow => [
      d.key.address, d.key.port, d.config.forwarding, d.config.weight, d.config.upperThreshold,
      d.config.lowerThreshold, d.config.tunnel, d.activeConns, d.inactiveConns, d.persistConns, statsToRow(d.stats),
    ]),
  ]);
}

/** Rows back to exactly what service.list answers. */
export function expandServiceRows(rows: readonly ServiceRow[]): ListedService[] {
  return rows.map(([key, sched, schedulerFlags, persistence, pe, onePacket, stats, dests]) => {
    const known = Scheduler.safeParse(sched);
    const out: ListedService = {
      key,
      config: { scheduler: known.success ? known.data : "none", schedulerFlags, persistence, pe, onePacket },
      stats: statsFromRow(stats),
      destinations: dests.map(([address, port, forwarding, weight, upperThreshold, lowerThreshold, tunnel, a, i, p, s]) => ({
        key: { address, port },
        config: { forwarding, weight, upperThreshold, lowerThreshold, tunnel },
        activeConns: a,
        inactiveConns: i,
        persistConns: p,
        stats: statsFromRow(s),
      })),
    };
    if (!known.success) out.unknownScheduler = sched;
    return out;
  });
}
