// A fake HA agent side for the server's HA tests: ha.get / ha.subscribe / ha.unsubscribe
// handlers over a status the test drives (VRRP transitions, keepalived dying), added to the
// real agent's handler registry beside the IPVS, stats and rules handlers over FakeIpvs. An
// agent without this module answers `unsupported` for ha.*, like an agent without HA.
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import type { HandlerMap, Subscription } from "@/agent/handlers/context.ts";
import { createHandlers as rulesHandlers } from "@/agent/handlers/rules.ts";
import { statsHandlers } from "@/agent/handlers/stats.ts";
import type { HaStatus, VrrpState } from "@/protocol/ha.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";
import { type Harness, startHarness } from "./agent-ws-harness.ts";

export class FakeHa {
  readonly subs = new Set<Subscription>();
  status: HaStatus;

  constructor(state: VrrpState, vips: string[] = ["172.16.0.100/32"]) {
    const now = Date.now();
    this.status = {
      configured: true,
      spec: null,
      keepalived: { mode: "managed", running: true, pid: 4242, configFile: "/run/lvs-agent/keepalived.conf", startedAt: now, error: null, logTail: ["Starting VRRP child process"] },
      instances: [
        { name: "VI_1", interface: "eth0", virtualRouterId: 51, priority: state === "MASTER" ? 150 : 100, state, since: now, vips, vipsHeld: state === "MASTER" ? vips : [] },
      ],
      transitions: [{ instance: "VI_1", from: "UNKNOWN", to: state, at: now - 1000 }],
      sync: { wanted: state === "MASTER" ? "master" : "backup", daemons: [], error: null },
      time: now,
    };
  }

  /** keepalived reports a new state for VI_1: VIPs follow, a transition is recorded, subscribers get it. */
  transition(to: VrrpState, at = Date.now()): void {
    const inst = this.status.instances[0]!;
    const from = inst.state;
    this.status = {
      ...this.status,
      instances: [{ ...inst, state: to, since: at, vipsHeld: to === "MASTER" ? inst.vips : [] }],
      transitions: [...this.status.transitions, { instance: inst.name, from, to, at }].slice(-100),
      time: Math.max(at, this.status.time + 1),
    };
    this.push();
  }

  keepalivedDied(error: string): void {
    this.status = { ...this.status, keepalived: { ...this.status.keepalived!, running: false, pid: null, error }, time: this.status.time + 1 };
    this.push();
  }

  push(): void {
    for (const s of this.subs) if (!s.signal.aborted) s.emit(this.status);
  }

  handlers(): HandlerMap {
    return {
      "ha.get": async () => this.status,
      "ha.subscribe": async (_p, ctx) => {
        const sub = ctx.subscribe();
        this.subs.add(sub);
        sub.signal.addEventListener("abort", () => this.subs.delete(sub), { once: true });
        return { subscription: ctx.id };
      },
      "ha.unsubscribe": async ({ subscription }, ctx) => {
        if (!ctx.unsubscribe(subscription)) throw new ProtocolError("not_found", `no subscription ${subscription}`);
        return {};
      },
    };
  }
}

export interface HaAgent {
  h: Harness;
  ipvs: FakeIpvs;
  ha: FakeHa | null;
}

/** A director agent over FakeIpvs with rules handlers, and HA unless `ha` is null. */
export async function haAgent(state: VrrpState | null): Promise<HaAgent> {
  const ipvs = new FakeIpvs();
  const ha = state === null ? null : new FakeHa(state);
  const registry = new HandlerRegistry().use(ipvsHandlers(ipvs)).use(statsHandlers(ipvs)).use(rulesHandlers({ role: "director", ipvs }));
  if (ha) registry.use(ha.handlers());
  const h = await startHarness({ registry });
  // the harness made its own FakeIpvs; ours is the one the handlers use
  return { h: { ...h, ipvs }, ipvs, ha };
}
