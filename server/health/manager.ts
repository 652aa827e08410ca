// Every director's health checks, live: each link's health.subscribe events (link.ts) and a
// health.get every `pollMs` (the agent pushes on transitions, not on every result, so the
// poll is what samples latencies), new transitions written to the audit log (audit.ts), the
// "health:<id>" topics poked on each change. Configuration changes read the agent's whole
// configuration, change one part (config-edit.ts) and send it back, one at a time per director.
import type { DirectorHealthView, HealthLatencyView } from "@/protocol/dashboard/health.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { HealthConfig, HealthStatus } from "@/protocol/health.ts";
import type { Fleet } from "../agents/fleet.ts";
import type { DirectorLink, HealthLinkEvent } from "../agents/link.ts";
import type { AuditLog } from "../store/audit.ts";
import { HealthAudit, type HealthAuditOptions } from "./audit.ts";
import { checked } from "./config-edit.ts";
import { DirectorHealth } from "./state.ts";

export interface HealthManagerOptions extends HealthAuditOptions {
  /** health.get interval per director with checks (default 2 s) */
  pollMs?: number;
  /** the configuration (checker kinds) is re-read on every Nth poll too (default 15) */
  configEvery?: number;
}

export class HealthManager {
  readonly #dirs = new Map<string, DirectorHealth>();
  readonly #audit: HealthAudit;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #polling = new Set<string>();
  readonly #editTail = new Map<string, Promise<unknown>>();
  readonly #configEvery: number;
  #polls = 0;

  constructor(
    readonly fleet: Fleet,
    audit: AuditLog,
    readonly poke: () => void,
    opts: HealthManagerOptions = {},
    onError: (err: unknown) => void = () => {},
  ) {
    this.#audit = new HealthAudit(audit, opts, onError);
    this.#configEvery = opts.configEvery ?? 15;
    this.#timer = setInterval(() => this.#pollAll(), opts.pollMs ?? 2_000);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#audit.close();
  }

  of(id: string): DirectorHealth {
    const d = this.#dirs.get(id) ?? new DirectorHealth();
    this.#dirs.set(id, d);
    return d;
  }

  /** The link's events (LinkListener.health). */
  onLink(id: string, ev: HealthLinkEvent): void {
    const d = this.of(id);
    if (ev.type === "linked") d.relinked();
    else if (ev.type === "failed") d.failed(ev.error);
    else {
      this.#take(id, ev.status);
      if (d.configStale(ev.status)) void this.#readConfig(id);
    }
    this.poke();
  }

  /** A director was removed: its state goes with it. */
  forget(id: string): void {
    if (!this.fleet.find(id)) this.#dirs.delete(id);
  }

  #take(id: string, s: HealthStatus): void {
    const d = this.of(id);
    for (const n of d.apply(s)) this.#audit.record(id, n.service, n.destination, n.transition);
  }

  async #readConfig(id: string): Promise<void> {
    const l = this.fleet.find(id);
    if (!l?.online) return;
    try {
      const got = await l.request("health.get", { includeConfig: true });
      if (got.config) this.of(id).setConfig(got.config);
      this.#take(id, got);
      this.poke();
    } catch {
      // the next event or poll tries again; a dropped link shows in the link state
    }
  }

  #pollAll(): void {
    const withConfig = ++this.#polls % this.#configEvery === 0;
    for (const l of this.fleet.links()) {
      const d = this.#dirs.get(l.id);
      if (!l.online || d?.status !== "active" || (d.last?.realServers.length ?? 0) === 0 || this.#polling.has(l.id)) continue;
      this.#polling.add(l.id);
      l.request("health.get", { includeConfig: withConfig })
        .then((got) => {
          if (got.config) d.setConfig(got.config);
          const before = d.last?.time;
          this.#take(l.id, got);
          if (d.last?.time !== before) this.poke();
        })
        .catch(() => {})
        .finally(() => this.#polling.delete(l.id));
    }
  }

  view(id: string): DirectorHealthView {
    const l = this.fleet.get(id);
    return this.of(id).view(id, l.online);
  }

  latencyView(id: string, service: string): HealthLatencyView {
    const l = this.fleet.get(id);
    const d = this.of(id);
    if (!l.state.services.has(service) && !d.latency.has(service)) throw new ProtocolError("not_found", `director ${id} has no service ${service}`);
    return d.latencyView(service);
  }

  /** The agent's configuration now (health.get includeConfig). */
  async config(id: string): Promise<HealthConfig> {
    const l = this.#health(id);
    const got = await l.request("health.get", { includeConfig: true });
    const config = got.config ?? { services: [] };
    this.of(id).setConfig(config);
    return config;
  }

  /** The link of a director whose agent runs health checks (refused before anything is sent). */
  #health(id: string): DirectorLink {
    const l = this.fleet.get(id);
    if (l.registration.role !== "director") throw new ProtocolError("bad_request", `${id} is a real-server agent: it runs no health checks`);
    if (this.of(id).status === "none") throw new ProtocolError("conflict", `the agent of ${id} runs no health checks (health.* unsupported)`);
    return l;
  }

  /**
   * Reads the configuration, applies `edit` (which may throw a 4xx) and sends the result,
   * one edit at a time per director so that two edits never lose one another.
   */
  edit(id: string, edit: (config: HealthConfig, l: DirectorLink) => HealthConfig): Promise<DirectorHealthView> {
    const l = this.#health(id);
    const run = async (): Promise<DirectorHealthView> => {
      const current = await this.config(id);
      const next = checked(edit(current, l));
      const d = this.of(id);
      // the agent refuses it too; refused here, it never restarts the other checks
      if (!d.last?.scriptChecksAllowed && next.services.some((s) => s.realServers.some((r) => r.checkers.some((c) => c.kind === "MISC_CHECK")))) {
        throw new ProtocolError("bad_request", `MISC_CHECK refused: the agent of ${id} was not started with --allow-script-checks`);
      }
      const status = await l.request("health.configure", { config: next }, { deadlineMs: 30_000 });
      d.setConfig(next);
      this.#take(id, status);
      this.poke();
      return this.view(id);
    };
    const tail = this.#editTail.get(id) ?? Promise.resolve();
    const p = tail.then(run, run);
    this.#editTail.set(id, p.catch(() => undefined));
    return p;
  }
}
