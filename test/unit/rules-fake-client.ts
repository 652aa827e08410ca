// An in-memory IpvsClient for the rules tests: kernel-like outcomes (exists / no such service
// / no such destination), servers listed newest first, and a switch to make the Nth mutating
// call fail the way the kernel would refuse it.
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
} from "../../protocol/ipvs.ts";
import { destKeyString, serviceKeyString } from "../../protocol/ipvsadm/ruleset.ts";
import type { IpvsBatchOptions, IpvsBatchOutcome, IpvsChange, IpvsClient } from "../../agent/ipvs/types.ts";
import { runChange } from "../../agent/rules/run-change.ts";

const ZERO: Stats = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };

export class KernelRefusal extends Error {}

export class FakeIpvsClient implements IpvsClient {
  services = new Map<string, { svc: Service; dests: Map<string, Destination> }>();
  timeouts: Timeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  mutations = 0;
  /** 1-based index of the mutating call that fails; null = never */
  failOn: number | null = null;
  calls: string[] = [];

  private mutate(name: string): void {
    this.mutations++;
    this.calls.push(name);
    if (this.failOn !== null && this.mutations === this.failOn)
      throw new KernelRefusal("Invalid operation.  Possibly wrong module version, address not unicast, ...");
  }
  private entry(key: ServiceKey, msg: string) {
    const e = this.services.get(serviceKeyString(key));
    if (!e) throw new KernelRefusal(msg);
    return e;
  }

  async info(): Promise<IpvsInfo> {
    return { version: "1.2.1", connTableSize: 4096 };
  }
  async getTimeouts(): Promise<Timeouts> {
    return { ...this.timeouts };
  }
  async setTimeouts(t: Partial<Timeouts>): Promise<void> {
    this.mutate("setTimeouts");
    for (const [k, v] of Object.entries(t) as [keyof Timeouts, number][]) if (v) this.timeouts[k] = v;
  }
  async listServices(): Promise<ServiceState[]> {
    // the kernel dumps services in hash order, not insertion order: sort by key to model that
    const ordered = [...this.services.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
    return ordered.map(({ svc, dests }) => ({
      ...structuredClone(svc),
      stats: ZERO,
      destinations: [...dests.values()].map((d): DestinationState => ({
        ...structuredClone(d),
        activeConns: 0,
        inactiveConns: 0,
        persistConns: 0,
        stats: ZERO,
      })),
    }));
  }
  async getService(key: ServiceKey): Promise<ServiceState | null> {
    return (await this.listServices()).find((s) => serviceKeyString(s.key) === serviceKeyString(key)) ?? null;
  }
  async createService(svc: Service): Promise<void> {
    this.mutate("createService");
    const k = serviceKeyString(svc.key);
    if (this.services.has(k)) throw new KernelRefusal("Service already exists");
    this.services.set(k, { svc: structuredClone(svc), dests: new Map() });
  }
  async updateService(svc: Service): Promise<void> {
    this.mutate("updateService");
    this.entry(svc.key, "No such service").svc = structuredClone(svc);
  }
  async deleteService(key: ServiceKey): Promise<void> {
    this.mutate("deleteService");
    this.entry(key, "No such service");
    this.services.delete(serviceKeyString(key));
  }
  async listDestinations(key: ServiceKey): Promise<DestinationState[]> {
    return (await this.getService(key))?.destinations ?? [];
  }
  async createDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    this.mutate("createDestination");
    const e = this.entry(svc, "Service not defined");
    const k = destKeyString(dest.key);
    if (e.dests.has(k)) throw new KernelRefusal("Destination already exists");
    e.dests = new Map([[k, structuredClone(dest)], ...e.dests]);
  }
  async updateDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    this.mutate("updateDestination");
    const e = this.entry(svc, "Service not defined");
    const k = destKeyString(dest.key);
    if (!e.dests.has(k)) throw new KernelRefusal("No such destination");
    e.dests.set(k, structuredClone(dest));
  }
  async deleteDestination(svc: ServiceKey, dest: DestinationKey): Promise<void> {
    this.mutate("deleteDestination");
    const e = this.entry(svc, "Service not defined");
    if (!e.dests.delete(destKeyString(dest))) throw new KernelRefusal("No such destination");
  }
  async zero(): Promise<void> {
    this.mutate("zero");
  }
  async flush(): Promise<void> {
    this.mutate("flush");
    this.services.clear();
  }
  async listDaemons(): Promise<SyncDaemon[]> {
    return [];
  }
  async startDaemon(): Promise<void> {}
  async stopDaemon(): Promise<void> {}
  close(): void {}
}

/**
 * The same fake with applyBatch as the kernel runs a netlink batch: changes go out in writes
 * of `writeSize`; inside a write every change runs even after a refused one, and with
 * stopOnError no further write is sent.
 */
export class BatchingFakeIpvsClient extends FakeIpvsClient {
  batches = 0;
  constructor(readonly writeSize = 3) {
    super();
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
