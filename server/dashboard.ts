// The dashboard's core, without HTTP: the store, the fleet's links, stats history, drain jobs,
// HA groups and the live hub's topics, wired together. server/http/server.ts puts it behind one port.
import { join } from "node:path";
import type { DirectorRegistration } from "@/protocol/dashboard/index.ts";
import { parseTopic } from "@/protocol/dashboard/topics.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DirectorState } from "./agents/director-state.ts";
import { Fleet } from "./agents/fleet.ts";
import { Auth, type AuthOptions } from "./auth/auth.ts";
import type { LinkOptions } from "./agents/link.ts";
import { DrainManager, type DrainManagerOptions } from "./drain/manager.ts";
import { GroupManager, type GroupManagerOptions } from "./groups/manager.ts";
import { HealthManager, type HealthManagerOptions } from "./health/manager.ts";
import { HistoryStore, type HistoryStoreOptions, type SeriesPoint } from "./history/store.ts";
import { LimitCounters } from "./limits.ts";
import { LiveHub, type LiveHubOptions } from "./live/hub.ts";
import { directorDetailView, fleetView, serviceLiveView } from "./live/views.ts";
import { AuditLog } from "./store/audit.ts";
import { type Db, openDatabase } from "./store/db.ts";
import { DirectorStore } from "./store/directors.ts";
import { StoreHealth } from "./store/health.ts";
import { SecretBox, type SecretKeySource } from "./store/secrets.ts";
import { DrainStore } from "./store/drains.ts";
import { GroupStore } from "./store/groups.ts";

export interface DashboardOptions {
  dataDir: string;
  link?: LinkOptions;
  live?: LiveHubOptions;
  /** users and sessions: cookie security, session limits, login throttling, first admin */
  auth?: AuthOptions;
  /** history flush and retention timers (default 5 s and 60 s) */
  historyFlushMs?: number;
  pruneMs?: number;
  /** the key that seals agent tokens in the store (default: the file beside the data folder) */
  secretKey?: SecretKeySource;
  /** HA groups: the drift re-list interval */
  groups?: GroupManagerOptions;
  /** health checks: the health.get poll, the audit's flapping window */
  health?: HealthManagerOptions;
  /** bounds of finished drain jobs and of the history's in-memory series (server/limits.ts) */
  drains?: Omit<DrainManagerOptions, "counters">;
  historyLimits?: Omit<HistoryStoreOptions, "counters">;
}

export class Dashboard {
  readonly db: Db;
  readonly audit: AuditLog;
  /** audit entries an earlier run left running, completed as interrupted at construction */
  readonly interruptedAudits: number;
  readonly auth: Auth;
  readonly history: HistoryStore;
  readonly fleet: Fleet;
  readonly drains: DrainManager;
  readonly groups: GroupManager;
  readonly health: HealthManager;
  readonly hub: LiveHub;
  /** store faults caught in timers and events; read-only for mutations while writes fail */
  readonly storeHealth = new StoreHealth();
  /** what the bounded collections let go or refused (server/limits.ts, on /metrics) */
  readonly limits = new LimitCounters();
  readonly #timers: ReturnType<typeof setInterval>[] = [];

  constructor(opts: DashboardOptions) {
    this.db = openDatabase(opts.dataDir);
    const secrets = SecretBox.load(opts.dataDir, opts.secretKey);
    this.audit = new AuditLog(this.db);
    // a mutation's first write is its audit entry: a full disk shows there first
    this.audit.onWriteError = (where, err) => this.storeHealth.report(where, err);
    // before this process can begin any entry: every running one is an earlier run's
    this.interruptedAudits = this.audit.interruptPending();
    this.auth = new Auth(this.db, opts.auth);
    this.history = new HistoryStore(this.db, { ...opts.historyLimits, counters: this.limits });
    this.hub = new LiveHub((topic) => this.topicView(topic), opts.live, this.limits);
    // a live socket lives only as long as its login session (checked without extending it)
    this.hub.requireSessions((key) => this.auth.principalByKey(key, false) !== null);
    this.fleet = new Fleet(new DirectorStore(this.db, secrets), opts.link ?? {}, {
      changed: (id) => {
        this.groups.onChange(id);
        this.health.forget(id);
        this.hub.poke();
      },
      stats: (id, _snap, state) => this.storeHealth.guard("stats", () => this.#onStats(id, state)),
      ha: (id, transitions) => this.groups.onHa(id, transitions),
      health: (id, ev) => this.health.onLink(id, ev),
    });
    this.health = new HealthManager(this.fleet, this.audit, () => this.hub.poke(), opts.health, (err) => this.storeHealth.report("health audit", err));
    this.groups = new GroupManager(this.fleet, new GroupStore(this.db), this.audit, () => this.hub.poke(), opts.groups);
    this.drains = new DrainManager(this.fleet, new DrainStore(this.db), () => this.hub.poke(), { ...opts.drains, counters: this.limits, audit: this.audit });
    this.#timers.push(
      setInterval(() => this.#tick("history flush", () => this.history.flush()), opts.historyFlushMs ?? 5_000),
      setInterval(
        () =>
          this.#tick("prune", () => {
            this.history.prune();
            this.auth.sessions.prune();
          }),
        opts.pruneMs ?? 60_000,
      ),
    );
  }

  /** A timer's store work: never throws (a fault is reported); while the store is read-only
   * it runs only once a probe write succeeds again. */
  #tick(where: string, work: () => void): void {
    if (!this.storeHealth.probe(this.db)) return;
    this.storeHealth.guard(where, work);
  }

  static dataFile(dataDir: string): string {
    return join(dataDir, "lvs-fleet.sqlite");
  }

  /** Upserts config-file directors, then connects to every registered director. */
  start(configDirectors: readonly DirectorRegistration[] = []): void {
    for (const d of configDirectors) this.fleet.upsert(d);
    this.fleet.start();
  }

  #onStats(id: string, state: DirectorState): void {
    const points: SeriesPoint[] = [{ service: "", destination: "", point: state.total() }];
    for (const [sk, s] of state.services) {
      points.push({ service: sk, destination: "", point: s.traffic });
      for (const [dk, d] of s.destinations) points.push({ service: sk, destination: dk, point: d.traffic });
    }
    // each part on its own: a failed history write must not stop the drain countdown
    this.storeHealth.guard("history", () => this.history.record(id, Date.now(), points));
    this.storeHealth.guard("drains", () => this.drains.onStats(id, state));
    // a weight changed by hand (ipvsadm -e) arrives here first: follow the group's drift now
    this.groups.onChange(id);
  }

  drainOf = (director: string, service: string, destination: string): string | null =>
    this.drains.jobOf(director, service, destination);

  /** The current view of a live topic; ProtocolError not_found for unknown ones. */
  topicView(topic: string): unknown {
    const t = parseTopic(topic);
    switch (t?.kind) {
      case "fleet":
        return fleetView(this.fleet.links());
      case "drains":
        return this.drains.view();
      case "groups":
        return this.groups.view();
      case "director":
        return directorDetailView(this.fleet.get(t.director), this.drainOf);
      case "health":
        return this.health.view(t.director);
      case "healthLatency":
        return this.health.latencyView(t.director, t.service);
      case "service": {
        const v = serviceLiveView(this.fleet.get(t.director), t.service);
        if (!v) throw new ProtocolError("not_found", `director ${t.director} has no service ${t.service}`);
        return v;
      }
      default:
        throw new ProtocolError("not_found", `unknown topic "${topic}"`);
    }
  }

  /** Closes links and the hub, writes the history buffers, closes the database. */
  close(): void {
    for (const t of this.#timers) clearInterval(t);
    this.groups.stop();
    this.health.stop();
    this.fleet.stop();
    this.hub.close();
    this.storeHealth.guard("close", () => this.history.flush(Date.now(), true));
    this.storeHealth.guard("close", () => this.audit.close()); // the refusal counts still in memory
    this.db.close();
  }
}
