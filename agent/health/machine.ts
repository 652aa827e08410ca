// keepalived's state machine, without I/O: one checker's reaction to a result (check_tcp.c's
// tcp_epilog, which every checker kind shares), and a service's pool (ipwrapper.c: a real
// server is alive while none of its checkers failed; quorum is the sum of the live weights,
// with hysteresis; below it the live servers leave and the sorry server takes over). The pool
// returns the table changes to make; the manager makes them.
import type { DestinationConfig, DestinationKey } from "@/protocol/ipvs.ts";
import type { ServiceHealth } from "@/protocol/health.ts";

export interface CheckerState {
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
}

/** What one result does: the next delay, and the checker's transition if any. */
export function onCheckResult(
  c: CheckerState,
  ok: boolean,
  t: { retry: number; delayLoopMs: number; delayBeforeRetryMs: number },
): { delayMs: number; transition: "up" | "down" | null } {
  let delayMs = t.delayLoopMs;
  let transition: "up" | "down" | null = null;
  if (ok || ((c.isUp || !c.hasRun) && c.retryIt >= t.retry)) {
    c.retryIt = 0;
    if (ok && (!c.isUp || !c.hasRun)) transition = "up";
    else if (!ok && (c.isUp || !c.hasRun)) transition = "down";
  } else if (c.isUp) {
    delayMs = t.delayBeforeRetryMs;
    c.retryIt++;
  }
  return { delayMs, transition };
}

/** up: in the pool at its configured weight; down: removed, or weight 0 when inhibited. */
export interface PoolAction {
  op: "up" | "down";
  sorry: boolean;
  key: DestinationKey;
  config: DestinationConfig;
  inhibit: boolean;
}

export interface PoolMember {
  key: DestinationKey;
  /** the operator's configuration: what "up" writes */
  intent: DestinationConfig;
  inhibit: boolean;
  numFailed: number;
  alive: boolean;
}

export const destId = (k: DestinationKey) => `${k.address}|${k.port}`;

export class ServicePool {
  readonly members = new Map<string, PoolMember>();
  quorumUp = true;
  sorryAlive = false;
  readonly #quorum: number;
  readonly #hysteresis: number;
  readonly #sorry: ServiceHealth["sorryServer"];

  constructor(svc: ServiceHealth, members: PoolMember[]) {
    this.#quorum = svc.quorum;
    this.#hysteresis = svc.hysteresis;
    this.#sorry = svc.sorryServer;
    for (const m of members) this.members.set(destId(m.key), m);
  }

  liveWeight(): number {
    let w = 0;
    for (const m of this.members.values()) if (m.alive) w += m.intent.weight;
    return w;
  }

  #act(op: "up" | "down", m: PoolMember): PoolAction {
    return { op, sorry: false, key: m.key, config: m.intent, inhibit: m.inhibit };
  }

  #sorryAct(op: "up" | "down"): PoolAction {
    const s = this.#sorry!;
    const config: DestinationConfig = { forwarding: s.forwarding, weight: 1, upperThreshold: 0, lowerThreshold: 0, tunnel: null };
    return { op, sorry: true, key: s.key, config, inhibit: s.inhibit };
  }

  /** Changes only reach the kernel while the pool serves (quorum, or no sorry server in). */
  #serving(): boolean {
    return this.quorumUp || !this.#sorry || !this.sorryAlive;
  }

  /** init_service_rs + set_quorum_states + update_quorum_state(init): the first table. */
  init(): PoolAction[] {
    const out: PoolAction[] = [];
    for (const m of this.members.values()) {
      m.alive = m.numFailed === 0;
      // the table may hold the server already (an import, a restart): make it what health says
      out.push(this.#act(m.alive ? "up" : "down", m));
    }
    this.quorumUp = this.liveWeight() >= this.#quorum + this.#hysteresis;
    out.push(...this.#updateQuorum(true));
    if (this.#sorry?.inhibit && !this.sorryAlive) out.push(this.#sorryAct("down"));
    return out;
  }

  /** update_svr_checker_state: a checker of this member went up or down. */
  checkerTransition(id: string, up: boolean): PoolAction[] {
    const m = this.members.get(id);
    if (!m) return [];
    let out: PoolAction[] = [];
    if (up && m.numFailed <= 1) out = this.#setAlive(m, true);
    else if (!up && m.numFailed === 0) out = this.#setAlive(m, false);
    m.numFailed = Math.max(0, m.numFailed + (up ? -1 : 1));
    return out;
  }

  /** perform_svr_state */
  #setAlive(m: PoolMember, alive: boolean): PoolAction[] {
    if (m.alive === alive) return [];
    const out = this.#serving() ? [this.#act(alive ? "up" : "down", m)] : [];
    m.alive = alive;
    return [...out, ...this.#updateQuorum(false)];
  }

  /** The operator changed the member's configuration (weight 0 = drained): kept for recovery. */
  setIntent(id: string, config: DestinationConfig): PoolAction[] {
    const m = this.members.get(id);
    if (!m) return [];
    m.intent = config;
    // the state's own change, always: a batch may have written the server behind our back
    const out = [this.#act(m.alive && this.#serving() ? "up" : "down", m)];
    return [...out, ...this.#updateQuorum(false)];
  }

  /** update_quorum_state */
  #updateQuorum(init: boolean): PoolAction[] {
    const sum = this.liveWeight();
    const threshold = this.#quorum + (this.quorumUp ? -1 : 1) * this.#hysteresis;
    const out: PoolAction[] = [];
    if (!this.quorumUp && sum >= threshold) {
      this.quorumUp = true;
      if (this.#sorry && this.sorryAlive) {
        out.push(this.#sorryAct("down"));
        this.sorryAlive = false;
        for (const m of this.members.values()) if (m.alive) out.push(this.#act("up", m));
      }
    } else if ((this.quorumUp && (sum === 0 || sum < threshold)) || (init && !this.quorumUp && this.#sorry && !this.sorryAlive)) {
      this.quorumUp = false;
      if (this.#sorry && !this.sorryAlive) {
        for (const m of this.members.values()) if (m.alive) out.push(this.#act("down", m));
        out.push(this.#sorryAct("up"));
        this.sorryAlive = true;
      }
    }
    return out;
  }
}
