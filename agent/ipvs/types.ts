// The IPVS client's public surface, in domain terms (protocol/ipvs.ts). The netlink
// implementation (agent/ipvs/client.ts) and any message-level fake implement it; everything
// above it (WebSocket handlers, rules import, drain) depends only on this.
import type {
  Destination,
  DestinationKey,
  DestinationState,
  IpvsInfo,
  Service,
  ServiceKey,
  ServiceState,
  SyncDaemon,
  Timeouts,
} from "../../protocol/ipvs.ts";

export interface IpvsClient {
  info(): Promise<IpvsInfo>;
  getTimeouts(): Promise<Timeouts>;
  /** Absent or 0 fields are left unchanged, as `ipvsadm --set` does with 0. */
  setTimeouts(t: Partial<Timeouts>): Promise<void>;

  /** Every service with its destinations and stats (one service dump + dest dumps). */
  listServices(): Promise<ServiceState[]>;
  /** null when the service does not exist. */
  getService(key: ServiceKey): Promise<ServiceState | null>;
  createService(svc: Service): Promise<void>;
  /** Full replacement of the service's config (the kernel's SET_SERVICE semantics). */
  updateService(svc: Service): Promise<void>;
  deleteService(key: ServiceKey): Promise<void>;

  /** Throws IpvsError(ESRCH) when the service does not exist (the kernel would return an empty dump). */
  listDestinations(key: ServiceKey): Promise<DestinationState[]>;
  createDestination(svc: ServiceKey, dest: Destination): Promise<void>;
  /** Full replacement of the destination's config; callers read-modify-write. */
  updateDestination(svc: ServiceKey, dest: Destination): Promise<void>;
  deleteDestination(svc: ServiceKey, dest: DestinationKey): Promise<void>;

  /** Zero counters of one service, or of everything when key is omitted. */
  zero(key?: ServiceKey): Promise<void>;
  /** Delete every service of this network namespace. */
  flush(): Promise<void>;

  listDaemons(): Promise<SyncDaemon[]>;
  startDaemon(d: SyncDaemon): Promise<void>;
  stopDaemon(state: SyncDaemon["state"], syncId?: number): Promise<void>;

  close(): void;
}
