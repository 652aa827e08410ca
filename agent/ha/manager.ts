// The HA state machine of one director: validate and apply a spec (render, keepalived -t,
// atomic write, start or reload keepalived), follow keepalived's notify_fifo, switch the sync
// daemons on each transition, and tell subscribers on every change. Changes are serialized.
import { join } from "node:path";
import { ProtocolError } from "@/protocol/errors.ts";
import type { HaSpec, HaStatus, VrrpState, VrrpTransition } from "@/protocol/ha.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import type { RunIp } from "../realserver/ip-command.ts";
import { boundVips, CachedInterfaces, readInterfaces } from "./addresses.ts";
import { writeFileAtomic } from "./atomic-write.ts";
import { FifoReader } from "./fifo.ts";
import type { KeepalivedRunner } from "./keepalived-runner.ts";
import { parseNotifyLine } from "./notify-line.ts";
import { renderKeepalivedConf, vipText } from "./render.ts";
import { configTestProblems, runCommand } from "./run-command.ts";
import { switchSync, wantedSync } from "./sync.ts";
import { validateSpec } from "./validate.ts";

export interface HaManagerOptions {
  ipvs: IpvsClient;
  runIp: RunIp;
  runner: KeepalivedRunner;
  /** for `keepalived -t` before every write */
  keepalivedBin: string;
  /** the notify fifo lives here */
  dir: string;
  /** --ha-spec: where ha.configure persists the spec (null: not persisted) */
  specFile: string | null;
  defaultRouterId: string;
  /** tell the entry point (it logs) about what happens without a request */
  onNote?: (message: string) => void;
}

interface InstanceState {
  state: VrrpState;
  since: number | null;
}

const MAX_TRANSITIONS = 100;

export class HaManager {
  readonly fifoPath: string;
  #spec: HaSpec | null = null;
  readonly #states = new Map<string, InstanceState>();
  readonly #transitions: VrrpTransition[] = [];
  #sync: HaStatus["sync"] = null;
  /** whether the daemons running now were started by us (stop them when sync goes away) */
  #syncOwned = false;
  #configError: string | null = null;
  #used = false;
  #fifo: FifoReader | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(s: HaStatus) => void>();
  readonly #interfaces: CachedInterfaces;

  constructor(private readonly o: HaManagerOptions) {
    this.fifoPath = join(o.dir, "notify.fifo");
    this.#interfaces = new CachedInterfaces(o.runIp);
    o.runner.onChange(() => void this.#serial(() => this.#keepalivedChanged()));
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work);
    this.#queue = next.catch(() => {});
    return next;
  }

  get spec(): HaSpec | null {
    return this.#spec;
  }

  subscribe(listener: (s: HaStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #notify(): Promise<void> {
    // called where the VIPs may have moved (a transition, keepalived changed, a new spec)
    this.#interfaces.invalidate();
    if (this.#listeners.size === 0) return;
    const s = await this.status();
    for (const l of this.#listeners) l(s);
  }

  /** Validate, write, start or reload keepalived; null stops it. Throws ProtocolError before writing anything. */
  configure(spec: HaSpec | null, opts: { persist?: boolean } = {}): Promise<HaStatus> {
    return this.#serial(async () => {
      if (spec === null) await this.#unconfigure();
      else await this.#apply(spec);
      if (opts.persist !== false && this.o.specFile) {
        await writeFileAtomic(this.o.specFile, `${JSON.stringify(spec, null, 2)}\n`, 0o600);
      }
      void this.#notify();
      this.#interfaces.invalidate();
      return this.status();
    });
  }

  async #apply(spec: HaSpec): Promise<void> {
    const ifs = await readInterfaces(this.o.runIp).catch((e: Error) => {
      throw new ProtocolError("internal", `could not read this director's interfaces: ${e.message}`);
    });
    validateSpec(spec, ifs);
    const text = renderKeepalivedConf(spec, { notifyFifo: this.fifoPath, defaultRouterId: this.o.defaultRouterId });
    await writeFileAtomic(this.o.runner.configFile, text, 0o600, async (tmp) => {
      const problems = configTestProblems(await runCommand(this.o.keepalivedBin, ["-t", "-f", tmp, "-l"]));
      if (problems.length > 0) {
        this.#configError = `keepalived refused the rendered config: ${problems.join("; ")}`;
        throw new ProtocolError("internal", this.#configError, { keepalived: problems });
      }
    });
    this.#configError = null;
    this.#used = true;
    const before = this.#spec;
    this.#spec = spec;
    for (const name of [...this.#states.keys()]) if (!spec.instances.some((i) => i.name === name)) this.#states.delete(name);
    for (const i of spec.instances) if (!this.#states.has(i.name)) this.#states.set(i.name, { state: "UNKNOWN", since: null });
    const running = (await this.o.runner.status()).running;
    // (re)opened before keepalived (re)starts, so it finds a reader and we miss no line
    if (!running || !this.#fifo) await this.#openFifo();
    await this.o.runner.apply();
    if (before?.sync && !spec.sync) await this.#switch();
    await this.#switch();
  }

  async #unconfigure(): Promise<void> {
    if (this.#used) await this.o.runner.stop();
    this.#markAll("STOP");
    await this.#switch();
    this.#spec = null;
    this.#sync = null;
    this.#states.clear();
  }

  async #openFifo(): Promise<void> {
    this.#fifo?.close();
    this.#fifo = await FifoReader.open(
      this.fifoPath,
      (line) => void this.#serial(() => this.#line(line)),
      (e) => this.o.onNote?.(`notify fifo ${this.fifoPath}: ${e.message}`),
    );
  }

  #transition(name: string, to: VrrpState, at: number): boolean {
    const cur = this.#states.get(name);
    if (!cur || cur.state === to) return false;
    this.#transitions.push({ instance: name, from: cur.state, to, at });
    if (this.#transitions.length > MAX_TRANSITIONS) this.#transitions.splice(0, this.#transitions.length - MAX_TRANSITIONS);
    this.#states.set(name, { state: to, since: at });
    return true;
  }

  #markAll(to: VrrpState): boolean {
    let changed = false;
    const at = Date.now();
    for (const [name, s] of this.#states) if (s.state !== "UNKNOWN" || to !== "STOP") changed = this.#transition(name, to, at) || changed;
    return changed;
  }

  async #line(line: string): Promise<void> {
    const l = parseNotifyLine(line);
    if (l?.kind !== "INSTANCE") return;
    if (!this.#transition(l.name, l.state, Date.now())) return;
    await this.#switch();
    await this.#notify();
    // keepalived reports MASTER around the time it adds the VIPs: look again a moment later
    setTimeout(() => void this.#notify(), 1000).unref();
  }

  async #keepalivedChanged(): Promise<void> {
    const k = await this.o.runner.status();
    if (!k.running && this.#spec) {
      // a dead keepalived runs no VRRP: its instances are stopped whatever the fifo said last
      this.#markAll("STOP");
      await this.#switch();
      if (k.error) this.o.onNote?.(k.error);
    }
    await this.#notify();
  }

  /** Sync daemons after the VRRP state (or the spec) changed. */
  async #switch(): Promise<void> {
    const sync = this.#spec?.sync ?? null;
    if (!sync && !this.#syncOwned) {
      this.#sync = null;
      return;
    }
    const wanted = sync ? wantedSync([...this.#states.values()].map((s) => s.state)) : "none";
    const s = await switchSync(this.o.ipvs, sync, wanted);
    this.#syncOwned = s.daemons.length > 0;
    this.#sync = sync ? s : null;
  }

  async status(): Promise<HaStatus> {
    const spec = this.#spec;
    const ifs = spec ? await this.#interfaces.read().catch(() => []) : [];
    const k = this.#used ? await this.o.runner.status() : null;
    if (k && this.#configError) k.error = k.error ? `${this.#configError}; ${k.error}` : this.#configError;
    let sync = this.#sync;
    if (sync && spec?.sync) {
      const daemons = await this.o.ipvs.listDaemons().catch(() => sync!.daemons);
      sync = { ...sync, daemons };
    }
    return {
      configured: spec !== null,
      spec,
      keepalived: k,
      instances: (spec?.instances ?? []).map((i) => {
        const vips = i.virtualIpAddresses.map(vipText);
        const st = this.#states.get(i.name) ?? { state: "UNKNOWN" as const, since: null };
        return { name: i.name, interface: i.interface, virtualRouterId: i.virtualRouterId, priority: i.priority, state: st.state, since: st.since, vips, vipsHeld: boundVips(ifs, vips) };
      }),
      transitions: [...this.#transitions],
      sync,
      time: Date.now(),
    };
  }

  /** Agent shutdown: a managed keepalived is stopped (it releases its VIPs); the system's unit is left alone. */
  async shutdown(): Promise<void> {
    await this.#serial(async () => {
      if (this.o.runner.mode === "managed" && this.#used) {
        await this.o.runner.stop();
        this.#markAll("STOP");
        await this.#switch();
      }
      this.#fifo?.close();
      this.#fifo = null;
    });
  }
}
