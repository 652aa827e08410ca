// Test doubles for the agent WebSocket tests: an in-memory IpvsClient with the kernel's error
// behaviour (EEXIST/ESRCH/ENOENT as IpvsError-like errors), and helpers to run a real server.
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
import type { IpvsClient } from "../../agent/ipvs/types.ts";

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

export class FakeIpvs implements IpvsClient {
  readonly services = new Map<string, ServiceState>();
  timeouts: Timeouts = { tcp: 900, tcpFin: 120, udp: 300 };
  daemons: SyncDaemon[] = [];
  listCalls = 0;
  /** every call waits this long first (deadline tests) */
  delayMs = 0;
  closed = false;

  async #wait(): Promise<void> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
  }

  #svc(key: ServiceKey): ServiceState {
    const s = this.services.get(keyString(key));
    if (!s) throw new ErrnoError("ESRCH", "No such service");
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
    await this.#wait();
    for (const k of ["tcp", "tcpFin", "udp"] as const) {
      const v = t[k];
      if (v) this.timeouts[k] = v;
    }
  }
  async listServices(): Promise<ServiceState[]> {
    await this.#wait();
    this.listCalls++;
    return structuredClone([...this.services.values()]);
  }
  async getService(key: ServiceKey): Promise<ServiceState | null> {
    await this.#wait();
    const s = this.services.get(keyString(key));
    return s ? structuredClone(s) : null;
  }
  async createService(svc: Service): Promise<void> {
    await this.#wait();
    const k = keyString(svc.key);
    if (this.services.has(k)) throw new ErrnoError("EEXIST", "Service already exists");
    this.services.set(k, { ...structuredClone(svc), stats: zeroStats(), destinations: [] });
  }
  async updateService(svc: Service): Promise<void> {
    await this.#wait();
    this.#svc(svc.key).config = structuredClone(svc.config);
  }
  async deleteService(key: ServiceKey): Promise<void> {
    await this.#wait();
    this.#svc(key);
    this.services.delete(keyString(key));
  }
  async listDestinations(key: ServiceKey): Promise<DestinationState[]> {
    await this.#wait();
    return structuredClone(this.#svc(key).destinations);
  }
  async createDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    await this.#wait();
    const s = this.#svc(svc);
    if (s.destinations.some((d) => sameDest(d.key, dest.key))) {
      throw new ErrnoError("EEXIST", "Destination already exists");
    }
    s.destinations.push({
      ...structuredClone(dest), activeConns: 0, inactiveConns: 0, persistConns: 0, stats: zeroStats(),
    });
  }
  async updateDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    await this.#wait();
    const d = this.#svc(svc).destinations.find((x) => sameDest(x.key, dest.key));
    if (!d) throw new ErrnoError("ENOENT", "No such destination");
    d.config = structuredClone(dest.config);
  }
  async deleteDestination(svc: ServiceKey, dest: DestinationKey): Promise<void> {
    await this.#wait();
    const s = this.#svc(svc);
    const i = s.destinations.findIndex((x) => sameDest(x.key, dest));
    if (i < 0) throw new ErrnoError("ENOENT", "No such destination");
    s.destinations.splice(i, 1);
  }
  async zero(key?: ServiceKey): Promise<void> {
    await this.#wait();
    const targets = key ? [this.#svc(key)] : [...this.services.values()];
    for (const s of targets) {
      s.stats = zeroStats();
      for (const d of s.destinations) d.stats = zeroStats();
    }
  }
  async flush(): Promise<void> {
    await this.#wait();
    this.services.clear();
  }
  async listDaemons(): Promise<SyncDaemon[]> {
    await this.#wait();
    return structuredClone(this.daemons);
  }
  async startDaemon(d: SyncDaemon): Promise<void> {
    await this.#wait();
    if (this.daemons.some((x) => x.state === d.state)) throw new ErrnoError("EEXIST", "Daemon has already run");
    this.daemons.push(structuredClone(d));
  }
  async stopDaemon(state: SyncDaemon["state"]): Promise<void> {
    await this.#wait();
    const before = this.daemons.length;
    this.daemons = this.daemons.filter((d) => d.state !== state);
    if (this.daemons.length === before) throw new ErrnoError("ESRCH", "No daemon is running");
  }
  close(): void {
    this.closed = true;
  }
}

function sameDest(a: DestinationKey, b: DestinationKey): boolean {
  return a.address === b.address && a.port === b.port;
}
