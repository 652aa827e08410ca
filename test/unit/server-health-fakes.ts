// A fake health-checking agent side for the server's health tests: health.get / configure /
// subscribe / unsubscribe over a status the test drives (a real server going down with a
// reason, a check result with its latency), added to the real agent's handler registry beside
// the IPVS, stats and rules handlers over FakeIpvs. The agent's registry validates every
// payload with the catalog's schemas (protocol/health.ts), as the real agent does; an agent
// without this module answers `unsupported` for health.*, like one without health checks.
import type { HandlerMap, Subscription } from "@/agent/handlers/context.ts";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { createHandlers as rulesHandlers } from "@/agent/handlers/rules.ts";
import { statsHandlers } from "@/agent/handlers/stats.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { HealthConfig, HealthStatus, RsHealthState, RsHealthStatus } from "@/protocol/health.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";

export class FakeHealth {
  readonly subs = new Set<Subscription>();
  config: HealthConfig = { services: [] };
  realServers: RsHealthStatus[] = [];
  configures = 0;
  scriptChecksAllowed = false;
  #time = Date.now();

  status(): HealthStatus {
    this.#time = Math.max(Date.now(), this.#time + 1);
    return {
      realServers: structuredClone(this.realServers),
      services: this.config.services.map((s) => ({ key: s.key, quorumUp: true, liveWeight: 1, sorryServerActive: false })),
      scriptChecksAllowed: this.scriptChecksAllowed,
      time: this.#time,
    };
  }

  /** As the agent: every real server starts "unknown" with no result. */
  configure(config: HealthConfig): void {
    this.configures++;
    this.config = config;
    this.realServers = config.services.flatMap((s) =>
      s.realServers.map((r) => ({
        service: s.key, key: r.key, state: "unknown" as const, configuredWeight: r.config.weight, inPool: true,
        lastResult: null, consecutiveFailures: 0, transitions: [],
      })),
    );
  }

  #rs(address: string, port = 80): RsHealthStatus {
    const r = this.realServers.find((x) => x.key.address === address && x.key.port === port);
    if (!r) throw new Error(`no checked real server ${address}:${port}`);
    return r;
  }

  /** A check result: with `to`, a transition to that state (pushed); without, only the result. */
  result(address: string, ok: boolean, reason: string, latencyMs: number, to?: RsHealthState, at = Date.now()): void {
    const r = this.#rs(address);
    r.lastResult = { ok, reason, latencyMs, at };
    r.consecutiveFailures = ok ? 0 : r.consecutiveFailures + 1;
    if (to && to !== r.state) {
      r.transitions = [...r.transitions, { from: r.state, to, reason, at }].slice(-20);
      r.state = to;
      r.inPool = to !== "down";
      this.push();
    }
  }

  push(): void {
    const s = this.status();
    for (const sub of this.subs) if (!sub.signal.aborted) sub.emit(s);
  }

  handlers(): HandlerMap {
    return {
      "health.get": async ({ includeConfig }) => ({ ...this.status(), ...(includeConfig ? { config: this.config } : {}) }),
      "health.configure": async ({ config }) => {
        this.configure(config);
        setImmediate(() => this.push());
        return this.status();
      },
      "health.subscribe": async (_p, ctx) => {
        const sub = ctx.subscribe();
        this.subs.add(sub);
        sub.signal.addEventListener("abort", () => this.subs.delete(sub), { once: true });
        return { subscription: ctx.id };
      },
      "health.unsubscribe": async ({ subscription }, ctx) => {
        if (!ctx.unsubscribe(subscription)) throw new ProtocolError("not_found", `no subscription ${subscription}`);
        return {};
      },
    };
  }
}

export interface HealthAgent {
  h: Harness;
  ipvs: FakeIpvs;
  health: FakeHealth | null;
}

/** A director agent over FakeIpvs with rules handlers, and health checks unless `withHealth` is false. */
export async function healthAgent(withHealth = true): Promise<HealthAgent> {
  const ipvs = new FakeIpvs();
  const health = withHealth ? new FakeHealth() : null;
  const registry = new HandlerRegistry().use(ipvsHandlers(ipvs)).use(statsHandlers(ipvs)).use(rulesHandlers({ role: "director", ipvs }));
  if (health) registry.use(health.handlers());
  const h = await startHarness({ registry });
  return { h: { ...h, ipvs }, ipvs, health };
}
