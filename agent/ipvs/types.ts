// The IPVS client's public surface, in domain terms (protocol/ipvs.ts). The netlink
// implementation (agent/ipvs/client.ts) and any message-level fake implement it; everything
// above it (WebSocket handlers, rules import, drain) depends only on this.
import type {
  Destination,
  DestinationConfig,
  DestinationKey,
  DestinationState,
  IpvsInfo,
  Service,
  ServiceKey,
  ServiceState,
  SyncDaemon,
  Timeouts,
} from "@/protocol/ipvs.ts";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import type { ServiceRow } from "@/protocol/agent/compact.ts";

/** One change of the table as data, for IpvsClient.applyBatch (and undo lists). */
export type IpvsChange =
  | { op: "createService"; service: Service }
  | { op: "updateService"; service: Service }
  | { op: "deleteService"; key: ServiceKey }
  | { op: "createDestination"; service: ServiceKey; destination: Destination }
  | { op: "updateDestination"; service: ServiceKey; destination: Destination }
  | { op: "deleteDestination"; service: ServiceKey; key: DestinationKey }
  | { op: "setTimeouts"; timeouts: Partial<Timeouts> }
  | { op: "zero"; key?: ServiceKey }
  | { op: "flush" };

/** What became of one change of a batch: done, refused by the kernel, or never sent. */
export type IpvsBatchOutcome = { status: "done" } | { status: "failed"; error: Error } | { status: "skipped" };

export interface IpvsBatchOptions {
  /** send nothing more once a change failed (changes already written still run: see applyBatch) */
  stopOnError?: boolean;
}

export interface IpvsClient {
  info(): Promise<IpvsInfo>;
  getTimeouts(): Promise<Timeouts>;
  /** Absent or 0 fields are left unchanged, as `ipvsadm --set` does with 0. */
  setTimeouts(t: Partial<Timeouts>): Promise<void>;

  /** Every service with its destinations and stats (one service dump + dest dumps). */
  listServices(): Promise<ServiceState[]>;
  /** Optional: the same listing as compact rows, without building objects (service.list.compact). */
  listServiceRows?(): Promise<ServiceRow[]>;
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

  /**
   * Optional fast path: the changes in order, several per netlink write instead of one round
   * trip each. Every change is validated before anything is sent (IpvsValidationError, nothing
   * touched). The kernel keeps going inside one write after a refused change, so with
   * stopOnError the changes after a failure are either "done" (same write) or "skipped".
   */
  applyBatch?(changes: readonly IpvsChange[], options?: IpvsBatchOptions): Promise<IpvsBatchOutcome[]>;
  /**
   * Optional hint after a batch: the caller knows the table now equals `rules`, having made
   * exactly `ownChanges` mutating calls since mutationCount() returned `since`. A client that
   * keeps a save file may write it from `rules` instead of listing the kernel again.
   */
  noteTable?(rules: readonly ServiceRules[], since: number, ownChanges: number): void;
  /** Mutating calls started so far (see noteTable). */
  mutationCount?(): number;
  /**
   * Optional: the configuration an operator's patch of this real server applies over, when a
   * layer above the kernel owns it (health checks: the operator's intent of a checked server,
   * which the kernel holds at weight 0 or not at all while it is down); null: the kernel's.
   */
  operatorConfig?(svc: ServiceKey, key: DestinationKey): DestinationConfig | null;

  close(): void;
}
