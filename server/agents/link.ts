// One director's link: an AgentClient kept connected with backoff, a ws heartbeat so that a
// dead agent shows offline within 3 s (a hung one included), and on every (re)connect ipvs.info,
// service.list and a stats subscription. The table is re-listed after mutations made through
// the server, when a stats event's key set differs from the known one, and periodically.
// Agent trust: a wss:// director without a pin is probed (TLS only, no token sent) and its
// fingerprint pinned on first use; a certificate that no longer matches the pin makes the
// link "untrusted" (no token is sent to it) until an admin accepts the presented one.
// HA: once online, a director link subscribes to ha (keepalived's VRRP state, ha-state.ts);
// an agent answering `unsupported` has no HA, which is not an error. Health checks the same
// way (health.subscribe), their state kept by the listener (server/health/).
import { AgentClient, type ReconnectOptions, backoffDelay, probeAgentCertificate } from "@/protocol/node/agent-client.ts";
import { type DirectorRegistration, type LinkState, serviceKeyString } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { IpvsInfo } from "@/protocol/ipvs.ts";
import type { RequestInput, RequestType, ResultData } from "@/protocol/agent/catalog.ts";
import type { StatsSnapshot } from "@/protocol/agent/ipvs.ts";
import type { VrrpTransition } from "@/protocol/ha.ts";
import type { HealthStatus } from "@/protocol/health.ts";
import { DirectorState } from "./director-state.ts";
import { HaLinkState } from "./ha-state.ts";

export interface LinkOptions {
  /** ws ping interval (default 500 ms; a ping unanswered for heartbeatTimeoutMs, default 2.5 s, drops the link) */
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  statsIntervalMs?: number;
  /** periodic service.list (default 10 s) */
  relistMs?: number;
  reconnect?: ReconnectOptions;
}

export interface LinkListener {
  /** link state or table changed (counters arrive through stats) */
  changed(id: string): void;
  stats(id: string, snap: StatsSnapshot, state: DirectorState): void;
  /** the HA state changed (link.ha); `transitions` are the VRRP transitions not seen before */
  ha?(id: string, transitions: VrrpTransition[]): void;
  /** health checks: a new link ("linked"), each status the agent sends, or why it sends none */
  health?(id: string, ev: HealthLinkEvent): void;
}

export type HealthLinkEvent = { type: "linked" } | { type: "status"; status: HealthStatus } | { type: "failed"; error: unknown };

/** The table-changing requests the server's routes send (the link relists after each). The
 * agent's zero, flush and timeouts.set have no route or page, so the server never sends them. */
const MUTATIONS = new Set<RequestType>([
  "service.create", "service.update", "service.delete", "dest.create", "dest.update", "dest.delete", "rules.import",
]);

export interface LinkTrust {
  /** trust on first use: persist the fingerprint first seen for an unpinned wss:// agent */
  pin(fingerprint256: string): void;
}

function fingerprintRefusal(err: unknown): string | null {
  if (!(err instanceof ProtocolError) || err.code !== "unauthorized") return null;
  const d = err.details as { reason?: unknown; presented?: unknown } | undefined;
  return d?.reason === "fingerprint" && typeof d.presented === "string" ? d.presented : null;
}

export class DirectorLink {
  readonly state = new DirectorState();
  readonly ha = new HaLinkState();
  link: LinkState = "connecting";
  linkError: string | null = null;
  since = Date.now();
  info: IpvsInfo | null = null;
  /** the fingerprint an untrusted agent presented (the pin did not match) */
  presentedFingerprint256: string | null = null;
  #client: AgentClient | null = null;
  #gen = 0;
  #attempt = 0;
  #stopped = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #relistTimer: ReturnType<typeof setInterval> | undefined;
  #relisting: Promise<void> | null = null;
  #relistAgain = false;
  /** tail of the exclusive sections (versioned mutations) on this director */
  #exclusiveTail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly id: string,
    /** replaced in place by a token rotation (the open link keeps working) and by TOFU */
    public registration: DirectorRegistration,
    readonly opts: LinkOptions,
    readonly listener: LinkListener,
    readonly trust?: LinkTrust,
  ) {}

  start(): void {
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#gen++;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#relistTimer);
    this.#client?.close();
    this.#client = null;
  }

  get online(): boolean {
    return this.link === "online" && this.#client !== null;
  }

  #setLink(link: LinkState, error: string | null): void {
    if (link !== this.link) this.since = Date.now();
    this.link = link;
    this.linkError = error;
    this.listener.changed(this.id);
  }

  #connect(): void {
    if (this.#stopped) return;
    const gen = ++this.#gen;
    let ended = false;
    const finish = (err?: unknown) => {
      this.state.clearTraffic();
      const pe = err instanceof ProtocolError ? err : null;
      const unauthorized = pe?.code === "unauthorized";
      const presented = fingerprintRefusal(err);
      this.presentedFingerprint256 = presented;
      const message = pe?.message ?? (err as Error | undefined)?.message ?? "connection to the agent was lost";
      this.#setLink(presented ? "untrusted" : unauthorized ? "unauthorized" : "offline", message);
      if (this.#stopped) return;
      const reconnect = this.opts.reconnect ?? { initialDelayMs: 500, maxDelayMs: 10_000 };
      // a refused token will not fix itself quickly: retry at the slowest pace
      const delay = unauthorized ? (reconnect.maxDelayMs ?? 10_000) : backoffDelay(this.#attempt++, reconnect);
      this.#retryTimer = setTimeout(() => this.#connect(), delay);
    };
    let client: AgentClient | null = null;
    const make = (): AgentClient => {
      const c = new AgentClient({
        url: this.registration.url,
        token: this.registration.token,
        // A ping every 500 ms, and a link is dropped once a ping has waited 2.5 s for its pong:
        // a dead or hung agent shows offline within 3 s, while an agent busy for a moment (a
        // large table read, a loaded TCG guest) keeps its link.
        heartbeatMs: this.opts.heartbeatMs ?? 500,
        heartbeatTimeoutMs: this.opts.heartbeatTimeoutMs ?? (this.opts.heartbeatMs === undefined ? 2500 : undefined),
        reconnect: false,
        ...(this.registration.fingerprint256 ? { tls: { fingerprint256: this.registration.fingerprint256 } } : {}),
        onStateChange: (s, err) => {
          if (s === "closed") end(err);
        },
      });
      client = c;
      this.#client = c;
      return c;
    };
    const endOf = (err?: unknown) => {
      if (ended || gen !== this.#gen) return;
      if (client) return end(err);
      // failed before a client existed (the first-use probe)
      ended = true;
      this.#setLink("offline", (err as Error | undefined)?.message ?? "agent unreachable");
      if (this.#stopped) return;
      const delay = backoffDelay(this.#attempt++, this.opts.reconnect ?? { initialDelayMs: 500, maxDelayMs: 10_000 });
      this.#retryTimer = setTimeout(() => this.#connect(), delay);
    };
    const end = (err?: unknown) => {
      if (ended || gen !== this.#gen) return;
      ended = true;
      const c = client!;
      clearInterval(this.#relistTimer);
      c.close();
      if (this.#client === c) this.#client = null;
      finish(err);
    };
    this.#tofu()
      .then(() => {
        if (gen !== this.#gen) return;
        const c = make();
        return c.connect().then(() => this.#init(c, gen));
      })
      .catch(endOf);
  }

  /** Pins the fingerprint of an unpinned wss:// agent before the first token is sent to it. */
  async #tofu(): Promise<void> {
    if (this.registration.fingerprint256 || !this.registration.url.startsWith("wss:")) return;
    const { fingerprint256 } = await probeAgentCertificate(this.registration.url);
    this.registration = { ...this.registration, fingerprint256 };
    this.trust?.pin(fingerprint256);
  }

  async #init(client: AgentClient, gen: number): Promise<void> {
    if (this.registration.role === "director") {
      this.info = await client.request("ipvs.info", {});
      this.state.applyList(await client.request("service.list", {}));
      await client.subscribe("stats.subscribe", { intervalMs: this.opts.statsIntervalMs ?? 1000 }, (snap) => {
        if (gen === this.#gen) this.#onStats(snap);
      });
      this.#relistTimer = setInterval(() => void this.relist(), this.opts.relistMs ?? 10_000);
    } else {
      await client.ping();
    }
    if (gen !== this.#gen) return;
    this.#attempt = 0;
    this.#setLink("online", null);
    if (this.registration.role === "director") void this.#initHa(client, gen);
    if (this.registration.role === "director" && this.listener.health) void this.#initHealth(client, gen);
  }

  /** Subscribes to the agent's health checks; like HA, never holds the link back. */
  async #initHealth(client: AgentClient, gen: number): Promise<void> {
    const emit = (ev: HealthLinkEvent) => {
      if (gen === this.#gen) this.listener.health?.(this.id, ev);
    };
    emit({ type: "linked" });
    try {
      await client.subscribe("health.subscribe", {}, (status) => emit({ type: "status", status }));
      emit({ type: "status", status: await client.request("health.get", {}) });
    } catch (error) {
      emit({ type: "failed", error });
    }
  }

  /** Subscribes to the agent's HA state; not awaited by the link (HA never holds it back). */
  async #initHa(client: AgentClient, gen: number): Promise<void> {
    this.ha.relinked();
    const take = (s: Parameters<HaLinkState["apply"]>[0]) => {
      if (gen !== this.#gen) return;
      const transitions = this.ha.apply(s);
      this.listener.ha?.(this.id, transitions);
    };
    try {
      await client.subscribe("ha.subscribe", {}, take);
      // the current status, in case the agent sends its first event only on a change
      take(await client.request("ha.get", {}));
    } catch (err) {
      if (gen !== this.#gen) return;
      this.ha.failed(err);
      this.listener.ha?.(this.id, []);
    }
  }

  #onStats(snap: StatsSnapshot): void {
    if (!this.state.applyStats(snap)) void this.relist();
    this.listener.stats(this.id, snap, this.state);
  }

  /** Re-reads the table; concurrent calls share one request plus at most one follow-up. */
  relist(): Promise<void> {
    if (this.#relisting) {
      this.#relistAgain = true;
      return this.#relisting;
    }
    const run = async (): Promise<void> => {
      do {
        this.#relistAgain = false;
        const client = this.#client;
        if (!client || this.registration.role !== "director") return;
        try {
          this.state.applyList(await client.request("service.list", {}));
          this.listener.changed(this.id);
        } catch {
          // the link drop (if that was it) is reported by the client's state change
          return;
        }
      } while (this.#relistAgain);
    };
    this.#relisting = run().finally(() => {
      this.#relisting = null;
    });
    return this.#relisting;
  }

  /** Runs `fn` once every earlier exclusive section of this director has finished, so a
   * version check and the mutation based on it are not interleaved with another mutation. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#exclusiveTail.then(fn, fn);
    this.#exclusiveTail = run.catch(() => undefined);
    return run;
  }

  /** A request to the agent; fails fast with `unavailable` while the link is not online.
   * Mutations are followed by a re-list, awaited, so the caller sees the new table. */
  request<T extends RequestType>(
    type: T,
    payload: RequestInput<T>,
    opts: { deadlineMs?: number; onEvent?: (data: unknown, topic: string) => void } = {},
  ): Promise<ResultData<T>> {
    return this.#request(type, payload, opts, () => false);
  }

  /** dest.update in one round trip (the drains): an answer that says it is the kernel's
   * (agents since issue 15) is applied to the table instead of a re-list; an older agent's
   * answer, or one for a real server the table does not have, is re-listed as before. */
  updateDestination(payload: RequestInput<"dest.update">): Promise<ResultData<"dest.update">> {
    const service = serviceKeyString(payload.service);
    return this.#request("dest.update", payload, {}, (r) => r.inKernel === true && this.state.applyDestination(service, r.key, r.config));
  }

  /** `applied` says whether the answer was written into the table (no re-list needed). */
  async #request<T extends RequestType>(
    type: T,
    payload: RequestInput<T>,
    opts: { deadlineMs?: number; onEvent?: (data: unknown, topic: string) => void },
    applied: (result: ResultData<T>) => boolean,
  ): Promise<ResultData<T>> {
    const client = this.#client;
    if (!client || this.link !== "online") {
      throw new ProtocolError("unavailable", `director ${this.id} is ${this.link}${this.linkError ? `: ${this.linkError}` : ""}`);
    }
    let inTable = false;
    try {
      const result = await client.request(type, payload, opts);
      inTable = applied(result);
      return result;
    } finally {
      if (inTable) this.listener.changed(this.id);
      else if (MUTATIONS.has(type)) await this.relist();
    }
  }
}
