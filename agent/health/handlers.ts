// health.get / health.configure / health.subscribe / health.unsubscribe over a HealthManager.
// A subscription gets the status at once and again after each change (a transition, a first
// result, a new configuration), at most every 250 ms: 1,000 checks do not mean 1,000 pushes.
import { ProtocolError } from "@/protocol/errors.ts";
import type { HandlerMap } from "../handlers/context.ts";
import { HealthConfigError, type HealthManager } from "./manager.ts";

const PUSH_GAP_MS = 250;

export function healthHandlers(health: HealthManager): HandlerMap {
  return {
    "health.get": async ({ includeConfig }) => ({ ...health.status(), ...(includeConfig ? { config: health.config() } : {}) }),
    "health.configure": async ({ config }) => {
      try {
        await health.configure(config);
      } catch (e) {
        if (e instanceof HealthConfigError) throw new ProtocolError("bad_request", e.message);
        throw e;
      }
      return health.status();
    },
    "health.subscribe": async (_payload, ctx) => {
      const sub = ctx.subscribe();
      let timer: NodeJS.Timeout | null = null;
      const push = () => {
        timer = null;
        if (!sub.signal.aborted) sub.emit(health.status());
      };
      const off = health.onChange(() => {
        timer ??= setTimeout(push, PUSH_GAP_MS);
      });
      sub.signal.addEventListener("abort", () => {
        off();
        if (timer) clearTimeout(timer);
      }, { once: true });
      // after the result has gone out, so the subscriber knows the subscription first
      setImmediate(push);
      return { subscription: ctx.id };
    },
    "health.unsubscribe": async ({ subscription }, ctx) => {
      if (!ctx.unsubscribe(subscription)) throw new ProtocolError("not_found", `no subscription ${subscription} on this connection`);
      return {};
    },
  };
}
