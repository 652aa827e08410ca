// HealthManager: runs every configured checker on the agent's event loop (one timer each, at
// most maxConcurrent checks in flight, first runs spread over warmup) and turns results into
// table changes through the IpvsClient, in order, one at a time. Operator changes to a checked
// real server go through noteOperatorConfig (intent-client.ts) so that health never undoes
// them: a drained server stays at weight 0, a weight changed while down is the one restored.
import type { HealthConfig, HealthStatus, RsHealthStatus, CheckResult, HealthTransition, RsHealthState } from "@/protocol/health.ts";
import type { DestinationConfig, DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import { type Clock, realClock } from "./clock.ts";
import { type EffectiveTiming, effectiveInhibit, effectiveTiming } from "./effective.ts";
import { type CheckerState, type PoolAction, ServicePool, destId, onCheckResult } from "./machine.ts";
import { type RunCheck, runCheck } from "./run-check.ts";
import type { Checker, RealServerHealth, ServiceHealth } from "@/protocol/health.ts";

export class HealthConfigError extends Error {
  override readonly name = "HealthConfigError";
}

export interface HealthManagerOptions {
  clock?: Clock;
  runCheck?: RunCheck;
  maxConcurrent?: number;
  allowScriptChecks?: boolean;
  /** a table change health could not make (the entry point logs it) */
  onError?: (e: Error) => void;
}

interface CheckerRun extends CheckerState {
  spec: Checker;
  timing: EffectiveTiming;
  timer: unknown;
}

interface RsRun {
  svc: SvcRun;
  id: string;
  cfg: RealServerHealth;
  checkers: CheckerRun[];
  lastResult: CheckResult | null;
  consecutiveFailures: number;
  transitions: HealthTransition[];
  shown: RsHealthState;
  inPool: boolean;
}

interface SvcRun {
  cfg: ServiceHealth;
  pool: ServicePool;
  rss: Map<string, RsRun>;
}

export const serviceId = (k: ServiceKey) =>
  k.protocol === "fwmark" ? `fwmark|${k.family}|${k.fwmark}` : `${k.protocol}|${k.address}|${k.port}`;

/** The key of a real server's state in `restored` (configure) */
export const aliveId = (svc: ServiceKey, key: DestinationKey) => `${serviceId(svc)}#${destId(key)}`;

const errCode = (e: unknown) => (e as { code?: string }).code;

export class HealthManager {
  readonly #ipvs: IpvsClient;
  readonly #clock: Clock;
  readonly #run: RunCheck;
  readonly #max: number;
  readonly allowScriptChecks: boolean;
  readonly #onError: (e: Error) => void;
  #services = new Map<string, SvcRun>();
  #kernel: Promise<void> = Promise.resolve();
  #inflight = 0;
  #waiting: (() => void)[] = [];
  #listeners = new Set<() => void>();
  #generation = 0;

  constructor(ipvs: IpvsClient, o: HealthManagerOptions = {}) {
    this.#ipvs = ipvs;
    this.#clock = o.clock ?? realClock;
    this.#run = o.runCheck ?? runCheck;
    this.#max = o.maxConcurrent ?? 64;
    this.allowScriptChecks = o.allowScriptChecks ?? false;
    this.#onError = o.onError ?? (() => {});
  }

  /**
   * Replaces the whole configuration: every checker starts afresh (alpha, warmup). `restored`
   * (the checks file's states, at agent start) overrides alpha per real server: one that was
   * down stays out until a success, one that was up stays in, so a restart keeps the table.
   */
  async configure(config: HealthConfig, restored?: ReadonlyMap<string, boolean>): Promise<void> {
    if (!this.allowScriptChecks) {
      for (const s of config.services)
        for (const r of s.realServers)
          if (r.checkers.some((c) => c.kind === "MISC_CHECK"))
            throw new HealthConfigError(`MISC_CHECK on ${r.key.address}:${r.key.port} refused: the agent was not started with --allow-script-checks`);
    }
    this.stop();
    const gen = ++this.#generation;
    const actions: [SvcRun, PoolAction][] = [];
    for (const cfg of config.services) {
      const was = (r: RealServerHealth) => restored?.get(aliveId(cfg.key, r.key));
      const members = cfg.realServers.map((r) => ({
        key: r.key,
        intent: r.config,
        inhibit: effectiveInhibit(r, cfg),
        numFailed: was(r) === undefined ? r.checkers.filter((c) => effectiveTiming(c, r, cfg).alpha).length : was(r) ? 0 : r.checkers.length,
        alive: false,
      }));
      const svc: SvcRun = { cfg, pool: new ServicePool(cfg, members), rss: new Map() };
      for (const r of cfg.realServers) {
        const checkers = r.checkers.map((spec): CheckerRun => {
          const timing = effectiveTiming(spec, r, cfg);
          return { spec, timing, timer: null, isUp: was(r) ?? !timing.alpha, hasRun: false, retryIt: 0 };
        });
        svc.rss.set(destId(r.key), { svc, id: destId(r.key), cfg: r, checkers, lastResult: null, consecutiveFailures: 0, transitions: [], shown: "unknown", inPool: false });
      }
      this.#services.set(serviceId(cfg.key), svc);
      for (const a of svc.pool.init()) actions.push([svc, a]);
    }
    for (const [svc, a] of actions) this.#apply(svc, a);
    await this.idle();
    if (gen !== this.#generation) return;
    for (const svc of this.#services.values())
      for (const rs of svc.rss.values()) {
        this.#refreshShown(rs, "configured");
        for (const c of rs.checkers) this.#schedule(rs, c, this.#clock.random() * c.timing.warmupMs);
      }
    this.#changed();
  }

  /** The configuration as it stands, with the operator's latest intent per real server. */
  config(): HealthConfig {
    return {
      services: [...this.#services.values()].map((s) => ({
        ...s.cfg,
        realServers: s.cfg.realServers.map((r) => ({ ...r, config: s.pool.members.get(destId(r.key))?.intent ?? r.config })),
      })),
    };
  }

  /** Whether each checked real server is alive now (the checks file keeps it for a restart). */
  aliveStates(): { service: ServiceKey; key: DestinationKey; alive: boolean }[] {
    return [...this.#services.values()].flatMap((s) => [...s.pool.members.values()].map((m) => ({ service: s.cfg.key, key: m.key, alive: m.alive })));
  }

  stop(): void {
    this.#generation++;
    for (const svc of this.#services.values())
      for (const rs of svc.rss.values()) for (const c of rs.checkers) if (c.timer !== null) this.#clock.clearTimeout(c.timer);
    this.#services.clear();
  }

  /** Resolves once the table changes queued so far are made. */
  idle(): Promise<void> {
    return this.#kernel;
  }

  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #changed(): void {
    for (const fn of this.#listeners) fn();
  }

  #schedule(rs: RsRun, c: CheckerRun, delayMs: number): void {
    const gen = this.#generation;
    c.timer = this.#clock.setTimeout(() => {
      c.timer = null;
      if (gen === this.#generation) this.#enqueue(() => this.#check(rs, c, gen));
    }, delayMs);
  }

  /** Bounded concurrency: a check waits for a free slot instead of piling sockets up. */
  #enqueue(start: () => Promise<void>): void {
    const go = () => {
      this.#inflight++;
      void start().finally(() => {
        this.#inflight--;
        this.#waiting.shift()?.();
      });
    };
    if (this.#inflight < this.#max) go();
    else this.#waiting.push(go);
  }

  async #check(rs: RsRun, c: CheckerRun, gen: number): Promise<void> {
    const started = this.#clock.now();
    const timeoutMs = c.spec.kind === "MISC_CHECK" ? (c.spec.miscTimeout ?? c.timing.delayLoopMs / 1000) * 1000 : c.timing.connectTimeoutMs;
    let outcome: { ok: boolean; reason: string };
    try {
      outcome = await this.#run(c.spec, rs.cfg, timeoutMs);
    } catch (e) {
      outcome = { ok: false, reason: (e as Error).message };
    }
    if (gen !== this.#generation) return;
    const at = this.#clock.now();
    rs.lastResult = { ok: outcome.ok, reason: outcome.reason, latencyMs: at - started, at };
    rs.consecutiveFailures = outcome.ok ? 0 : rs.consecutiveFailures + 1;
    const r = onCheckResult(c, outcome.ok, c.timing);
    const wasFirst = !c.hasRun;
    c.hasRun = true;
    if (r.transition && (c.isUp !== (r.transition === "up"))) {
      for (const a of rs.svc.pool.checkerTransition(rs.id, r.transition === "up")) this.#apply(rs.svc, a);
      c.isUp = r.transition === "up";
    }
    this.#refreshShown(rs, outcome.reason);
    if (wasFirst || r.transition) this.#changed();
    this.#schedule(rs, c, r.delayMs);
  }

  #refreshShown(rs: RsRun, reason: string): void {
    const m = rs.svc.pool.members.get(rs.id)!;
    const ran = rs.checkers.length === 0 || rs.checkers.some((c) => c.hasRun) || !m.alive;
    const state: RsHealthState = !ran ? "unknown" : !m.alive ? "down" : m.intent.weight === 0 ? "disabled" : "up";
    if (state === rs.shown) return;
    rs.transitions.push({ from: rs.shown, to: state, reason, at: this.#clock.now() });
    if (rs.transitions.length > 20) rs.transitions.shift();
    rs.shown = state;
  }

  /** Queues one table change; a refusal is reported, the next change still runs. */
  #apply(svc: SvcRun, a: PoolAction): void {
    const skey = svc.cfg.key;
    const rs = a.sorry ? null : svc.rss.get(destId(a.key));
    this.#kernel = this.#kernel.then(async () => {
      try {
        if (a.op === "up") await this.#put(skey, a.key, a.config);
        else if (a.inhibit) await this.#put(skey, a.key, { ...a.config, weight: 0 });
        else await this.#ipvs.deleteDestination(skey, a.key).catch((e) => {
          if (errCode(e) !== "ENOENT") throw e;
        });
        if (rs) rs.inPool = a.op === "up" || a.inhibit;
      } catch (e) {
        this.#onError(new Error(`health: ${a.op} ${a.key.address}:${a.key.port}: ${(e as Error).message}`));
      }
    });
  }

  async #put(svc: ServiceKey, key: DestinationKey, config: DestinationConfig): Promise<void> {
    try {
      await this.#ipvs.createDestination(svc, { key, config });
    } catch (e) {
      if (errCode(e) !== "EEXIST") throw e;
      await this.#ipvs.updateDestination(svc, { key, config });
    }
  }

  /** true when the real server is under health control (the caller then writes nothing itself). */
  async noteOperatorConfig(svc: ServiceKey, key: DestinationKey, config: DestinationConfig): Promise<boolean> {
    const s = this.#services.get(serviceId(svc));
    const rs = s?.rss.get(destId(key));
    if (!s || !rs) return false;
    for (const a of s.pool.setIntent(rs.id, config)) this.#apply(s, a);
    this.#refreshShown(rs, "operator changed the configuration");
    this.#changed();
    await this.idle();
    return true;
  }

  /** The operator's configuration of a checked real server (what "up" writes); null: not checked. */
  intentOf(svc: ServiceKey, key: DestinationKey): DestinationConfig | null {
    return this.#services.get(serviceId(svc))?.pool.members.get(destId(key))?.intent ?? null;
  }

  /** Whether health currently keeps this real server out of the pool (removed, not inhibited). */
  isHeldOut(svc: ServiceKey, key: DestinationKey): boolean {
    const rs = this.#services.get(serviceId(svc))?.rss.get(destId(key));
    return rs !== undefined && !rs.inPool;
  }

  /** The operator deleted the real server or its service: its checks stop with it. */
  forget(svc: ServiceKey, key?: DestinationKey): void {
    const s = this.#services.get(serviceId(svc));
    if (!s) return;
    const drop = key ? [s.rss.get(destId(key))].filter((x): x is RsRun => !!x) : [...s.rss.values()];
    for (const rs of drop) {
      for (const c of rs.checkers) if (c.timer !== null) this.#clock.clearTimeout(c.timer);
      rs.checkers = [];
      s.rss.delete(rs.id);
      s.pool.members.delete(rs.id);
      s.cfg = { ...s.cfg, realServers: s.cfg.realServers.filter((r) => destId(r.key) !== rs.id) };
    }
    if (!key || s.rss.size === 0) this.#services.delete(serviceId(svc));
    this.#changed();
  }

  status(): HealthStatus {
    const realServers: RsHealthStatus[] = [];
    const services: HealthStatus["services"] = [];
    for (const s of this.#services.values()) {
      services.push({ key: s.cfg.key, quorumUp: s.pool.quorumUp, liveWeight: s.pool.liveWeight(), sorryServerActive: s.pool.sorryAlive });
      for (const rs of s.rss.values()) {
        const m = s.pool.members.get(rs.id)!;
        realServers.push({
          service: s.cfg.key, key: rs.cfg.key, state: rs.shown, configuredWeight: m.intent.weight, inPool: rs.inPool,
          lastResult: rs.lastResult, consecutiveFailures: rs.consecutiveFailures, transitions: [...rs.transitions],
        });
      }
    }
    return { realServers, services, scriptChecksAllowed: this.allowScriptChecks, time: this.#clock.now() };
  }
}
