// The in-memory IpvsClient of the unit tests (agent WebSocket harness, server tests, rules
// tests): the kernel's error behaviour (EEXIST/ESRCH/ENOENT as IpvsError-like errors worded as
// ipvsadm words them), an optional refusal of the Nth mutating call, and optionally the
// kernel's listing order. BatchingFakeIpvs adds applyBatch as the kernel runs a netlink batch.
import type {
  Destination,
  DestinationKey,
  DestinationState,
  IpvsInfo,
  Service,
  ServiceKey,
  ServiceState,
  Stats,
  SyncDaemon,
  Timeouts,
} from "@/protocol/ipvs.ts";
import { serviceKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import type { IpvsBatchOptions, IpvsBatchOutcome, IpvsChange, IpvsClient } from "@/agent/ipvs/types.ts";
import { runChange } from "@/agent/rules/run-change.ts";

export class ErrnoError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const zeroStats = (): Stats => ({
  conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0,
  cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0,
});

export function keyString(k: ServiceKey): string {
  return k.protocol === "fwmark" ? `fwmark:${k.family}:${k.fwmark}` : `${k.protocol}:${k.address}:${k.port}`;
}

export interface FakeIpvsOptions {
  /**
   * List services sorted by key and each service's real servers newest first, as the kernel
   * dumps them (hash order, servers added at the head); the default lists in insertion order.
   */
  kernelOrder?: boolean;
  /** 1-based index of the mutating call that fails; null (the default) = never */
  failOn?: number | null;
}

export class FakeIpvs implements IpvsClient {
  readonly services = new Map<string, ServiceState>();
  timeouts: Timeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  daemons: SyncDaemon[] = [];
  listCalls = 0;
  /** every call waits this long first (deadline tests) */
  delayMs = 0;
  closed = false;
  readonly kernelOrder: boolean;
  /** 1-based index of the mutating call that fails the way the kernel refuses; null = never */
  failOn: number | null;
  /** mutating calls so far, failed ones included */
  mutations = 0;
  /** the names of the mutating calls, in order */
  calls: string[] = [];

  constructor(options: FakeIpvsOptions = {}) {
    this.kernelOrder = options.kernelOrder ?? false;
    this.failOn = options.failOn ?? null;
  }

  async #wait(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
  }

  /** Counts a mutating call; the refusal comes before any lookup, as failOn promises. */
  async #mutate(name: string): Promise<void> {
    await this.#wait();
    this.mutations++;
    this.calls.push(name);
    if (this.failOn !== null && this.mutations === this.failOn) {
      throw new ErrnoError("EINVAL", "Invalid operation.  Possibly wrong module version, address not unicast, ...");
    }
  }

  #svc(key: ServiceKey, missing = "No such service"): ServiceState {
    const s = this.services.get(keyString(key));
    if (!s) throw new ErrnoError("ESRCH", missing);
    return s;
  }

  async info(): Promise<IpvsInfo> {
    await this.#wait();
    return { version: "1.2.1", connTableSize: 4096 };
  }
  async getTimeouts(): Promise<Timeouts> {
    await this.#wait();
    return { ...this.timeouts };
  }
  async setTimeouts(t: Partial<Timeouts>): Promise<void> {
    await this.#mutate("setTimeouts");
    for (const k of ["tcp", "tcpFin", "udp"] as const) {
      const v = t[k];
      if (v) this.timeouts[k] = v;
    }
  }
  async listServices(): Promise<ServiceState[]> {
    await this.#wait();
    this.listCalls++;
    const all = [...this.services.values()];
    if (this.kernelOrder) all.sort((a, b) => compare(serviceKeyString(a.key), serviceKeyString(b.key)));
    return structuredClone(all);
  }
  async getService(key: ServiceKey): Promise<ServiceState | null> {
    await this.#wait();
    const s = this.services.get(keyString(key));
    return s ? structuredClone(s) : null;
  }
  async createService(svc: Service): Promise<void> {
    await this.#mutate("createService");
    const k = keyString(svc.key);
    if (this.services.has(k)) throw new ErrnoError("EEXIST", "Service already exists");
    this.services.set(k, { ...structuredClone(svc), stats: zeroStats(), destinations: [] });
  }
  async updateService(svc: Service): Promise<void> {
    await this.#mutate("updateService");
    this.#svc(svc.key).config = structuredClone(svc.config);
  }
  async deleteService(key: ServiceKey): Promise<void> {
    await this.#mutate("deleteService");
    this.#svc(key);
    this.services.delete(keyString(key));
  }
  async listDestinations(key: ServiceKey): Promise<DestinationState[]> {
    await this.#wait();
    return structuredClone(this.#svc(key).destinations);
  }
  async createDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    await this.#mutate("createDestination");
    const s = this.#svc(svc, "Service not defined");
    if (s.destinations.some((d) => sameDest(d.key, dest.key))) {
      throw new ErrnoError("EEXIST", "Destination already exists");
    }
    const added = { ...structuredClone(dest), activeConns: 0, inactiveConns: 0, persistConns: 0, stats: zeroStats() };
    if (this.kernelOrder) s.destinations.unshift(added);
    else s.destinations.push(added);
  }
  async updateDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    await this.#mutate("updateDestination");
    const d = this.#svc(svc, "Service not defined").destinations.find((x) => sameDest(x.key, dest.key));
    if (!d) throw new ErrnoError("ENOENT", "No such destination");
    d.config = structuredClone(dest.config);
  }
  async deleteDestination(svc: ServiceKey, dest: DestinationKey): Promise<void> {
    await this.#mutate("deleteDestination");
    const s = this.#svc(svc, "Service not defined");
    const i = s.destinations.findIndex((x) => sameDest(x.key, dest));
    if (i < 0) throw new ErrnoError("ENOENT", "No such destination");
    s.destinations.splice(i, 1);
  }
  async zero(key?: ServiceKey): Promise<void> {
    await this.#mutate("zero");
    const targets = key ? [this.#svc(key)] : [...this.services.values()];
    for (const s of targets) {
      s.stats = zeroStats();
      for (const d of s.destinations) d.stats = zeroStats();
    }
  }
  async flush(): Promise<void> {
    await this.#mutate("flush");
    this.services.clear();
  }
  async listDaemons(): Promise<SyncDaemon[]> {
    await this.#wait();
    return structuredClone(this.daemons);
  }
  async startDaemon(d: SyncDaemon): Promise<void> {
    await this.#mutate("startDaemon");
    if (this.daemons.some((x) => x.state === d.state)) throw new ErrnoError("EEXIST", "Daemon has already run");
    this.daemons.push(structuredClone(d));
  }
  async stopDaemon(state: SyncDaemon["state"]): Promise<void> {
    await this.#mutate("stopDaemon");
    const before = this.daemons.length;
    this.daemons = this.daemons.filter((d) => d.state !== state);
    if (this.daemons.length === before) throw new ErrnoError("ESRCH", "No daemon is running");
  }
  close(): void {
    this.closed = true;
  }
}

/**
 * The same fake with applyBatch as the kernel runs a netlink batch: changes go out in writes
 * of `writeSize`; inside a write every change runs even after a refused one, and with
 * stopOnError no further write is sent.
 */
export class BatchingFakeIpvs extends FakeIpvs {
  batches = 0;
  readonly writeSize: number;
  constructor(options: FakeIpvsOptions & { writeSize?: number } = {}) {
    super(options);
    this.writeSize = options.writeSize ?? 3;
  }
  async applyBatch(changes: readonly IpvsChange[], options: IpvsBatchOptions = {}): Promise<IpvsBatchOutcome[]> {
    this.batches++;
    const out: IpvsBatchOutcome[] = [];
    let failed = false;
    for (let at = 0; at < changes.length; at += this.writeSize) {
      if (failed && options.stopOnError) {
        out.push(...changes.slice(at).map((): IpvsBatchOutcome => ({ status: "skipped" })));
        break;
      }
      for (const c of changes.slice(at, at + this.writeSize)) {
        try {
          await runChange(this, c);
          out.push({ status: "done" });
        } catch (e) {
          failed = true;
          out.push({ status: "failed", error: e as Error });
        }
      }
    }
    return out;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sameDest(a: DestinationKey, b: DestinationKey): boolean {
  return a.address === b.address && a.port === b.port;
}
