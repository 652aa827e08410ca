// ha.get / ha.configure / ha.subscribe / ha.unsubscribe (director role) over an HaManager.
// A subscription gets the status at once and again on every change (transition, keepalived
// death, new spec), like stats.subscribe's pushes but event-driven instead of polled.
import { ProtocolError } from "@/protocol/errors.ts";
import type { HandlerMap } from "../handlers/context.ts";
import type { HaManager } from "./manager.ts";

export function haHandlers(ha: HaManager): HandlerMap {
  return {
    "ha.get": () => ha.status(),
    "ha.configure": ({ spec }) => ha.configure(spec),
    "ha.subscribe": async (_payload, ctx) => {
      const first = await ha.status();
      const sub = ctx.subscribe();
      const off = ha.subscribe((s) => {
        if (!sub.signal.aborted) sub.emit(s);
      });
      sub.signal.addEventListener("abort", () => off(), { once: true });
      // after the result has gone out, so the subscriber knows the subscription first
      setImmediate(() => {
        if (!sub.signal.aborted) sub.emit(first);
      });
      return { subscription: ctx.id };
    },
    "ha.unsubscribe": async ({ subscription }, ctx) => {
      if (!ctx.unsubscribe(subscription)) {
        throw new ProtocolError("not_found", `no subscription ${subscription} on this connection`);
      }
      return {};
    },
  };
}
