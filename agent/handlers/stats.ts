// stats.subscribe / stats.unsubscribe: poll listServices() at the subscriber's interval and
// push per-service and per-destination counters. Ticks never overlap: a slow dump delays the
// next push instead of piling up requests against the kernel.
import { ProtocolError } from "@/protocol/errors.ts";
import type { ServiceKey, ServiceState } from "@/protocol/ipvs.ts";
import type { ServiceStats, StatsSnapshot } from "@/protocol/agent/ipvs.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { HandlerMap } from "./context.ts";

function sameKey(a: ServiceKey, b: ServiceKey): boolean {
  if (a.protocol === "fwmark") {
    return b.protocol === "fwmark" && a.fwmark === b.fwmark && a.family === b.family;
  }
  if (b.protocol === "fwmark") return false;
  return a.protocol === b.protocol && a.address === b.address && a.port === b.port;
}

export function toServiceStats(s: ServiceState): ServiceStats {
  let activeConns = 0;
  let inactiveConns = 0;
  const destinations = s.destinations.map((d) => {
    activeConns += d.activeConns;
    inactiveConns += d.inactiveConns;
    return {
      key: d.key,
      weight: d.config.weight,
      activeConns: d.activeConns,
      inactiveConns: d.inactiveConns,
      persistConns: d.persistConns,
      stats: d.stats,
    };
  });
  return { key: s.key, activeConns, inactiveConns, stats: s.stats, destinations };
}

export function snapshotOf(services: ServiceState[], only?: ServiceKey[]): StatsSnapshot {
  const chosen = only ? services.filter((s) => only.some((k) => sameKey(k, s.key))) : services;
  return { time: Date.now(), services: chosen.map(toServiceStats) };
}

export function statsHandlers(ipvs: IpvsClient): HandlerMap {
  return {
    "stats.subscribe": async ({ intervalMs, services }, ctx) => {
      // the first snapshot is read before answering, so a broken table fails the subscribe
      const first = snapshotOf(await ipvs.listServices(), services);
      const sub = ctx.subscribe();
      // after the result has gone out, so the subscriber knows the subscription first
      setImmediate(() => {
        if (!sub.signal.aborted) sub.emit(first);
      });
      let timer: NodeJS.Timeout | undefined;
      const tick = async () => {
        try {
          if (sub.signal.aborted) return;
          sub.emit(snapshotOf(await ipvs.listServices(), services));
        } catch {
          // a failed poll is skipped; the subscriber sees a gap in time, not an error storm
        }
        if (!sub.signal.aborted) timer = setTimeout(tick, intervalMs);
      };
      timer = setTimeout(tick, intervalMs);
      sub.signal.addEventListener("abort", () => clearTimeout(timer), { once: true });
      return { subscription: ctx.id, intervalMs };
    },
    "stats.unsubscribe": async ({ subscription }, ctx) => {
      if (!ctx.unsubscribe(subscription)) {
        throw new ProtocolError("not_found", `no subscription ${subscription} on this connection`);
      }
      return {};
    },
  };
}
