// NetlinkIpvsClient: IpvsClient over generic netlink. Validation runs before any request,
// kernel errors become IpvsError with ipvsadm's wording.
// Listing is the hot path (5,000 services + 20,000 dests must list at least as fast as
// `ipvsadm -Ln`): one streamed pass in listing.ts, every reply decoded in place.
import type {
  Destination,
  DestinationKey,
  DestinationState,
  Family,
  IpvsInfo,
  Service,
  ServiceKey,
  ServiceState,
  SyncDaemon,
  Timeouts,
} from "@/protocol/ipvs.ts";
import { type ServiceRow, statsToRow } from "@/protocol/agent/compact.ts";
import type { ListedService } from "@/protocol/agent/ipvs.ts";
import { AttrWriter } from "../netlink/attrs.ts";
import { type GenlMessage, GenlFamily, NetlinkError, genlAttrs, resolveFamily } from "../netlink/genl.ts";
import { NetlinkTransport, type Transport } from "../netlink/transport.ts";
import { writeDestFull, writeDestKey } from "./codec-dest.ts";
import { decodeDestDump, decodeDestFast, decodeDestRow } from "./codec-dest-fast.ts";
import { decodeServiceFast } from "./codec-service-fast.ts";
import { listTable } from "./listing.ts";
import { daemonStateCode, decodeDaemon, decodeInfo, decodeTimeouts, encodeDaemon, encodeTimeouts } from "./codec-misc.ts";
import { type DecodedService, decodeService, encodeServiceFull, encodeServiceKey, serviceFamily, writeServiceKey } from "./codec-service.ts";
import { K } from "./constants.ts";
import { ERRNO, IpvsError, type IpvsOp, toIpvsError } from "./errors.ts";
import { type EncodedChange, encodeChange } from "./batch.ts";
import type { IpvsBatchOptions, IpvsBatchOutcome, IpvsChange, IpvsClient } from "./types.ts";
import { validateDaemon, validateDestination, validateService, validateServiceKey, validateTimeouts } from "./validate.ts";

export interface IpvsClientOptions {
  /**
   * sockets in the pool (default 4): concurrent callers run on separate sockets, e.g. a
   * request while a long listing steps aside; on the asynchronous path also dumps in flight
   */
  sockets?: number;
  /** per-request timeout in ms (default 10 s) */
  timeoutMs?: number;
  /** synchronous socket I/O (NetlinkTransportOptions.synchronousIo; default true) */
  synchronousIo?: boolean;
  /** a ready transport (tests plug a message-level fake here); the client closes it */
  transport?: Transport;
}

const familyOfDecoded = (s: DecodedService): Family => serviceFamily(s.service.key);

/** A decoded service with its destinations, in the shape of the protocol's ListedService. */
function listed(s: DecodedService, destinations: DestinationState[]): ListedService {
  const out: ListedService = { ...s.service, stats: s.stats, destinations };
  if (s.unknownScheduler !== undefined) out.unknownScheduler = s.unknownScheduler;
  return out;
}

export class NetlinkIpvsClient implements IpvsClient {
  private constructor(private readonly fam: GenlFamily) {}

  /** Opens the socket pool and resolves the IPVS family (IpvsError ENOENT without IPVS). */
  static async open(options: IpvsClientOptions = {}): Promise<NetlinkIpvsClient> {
    const transport =
      options.transport ?? new NetlinkTransport({ sockets: options.sockets ?? 4, timeoutMs: options.timeoutMs, synchronousIo: options.synchronousIo });
    try {
      const info = await resolveFamily(transport, K.IPVS_GENL_NAME, options.timeoutMs);
      return new NetlinkIpvsClient(new GenlFamily(transport, info, options.timeoutMs));
    } catch (err) {
      transport.close();
      throw toIpvsError("open", err);
    }
  }

  private async run<T>(op: IpvsOp, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toIpvsError(op, err);
    }
  }

  private first(op: string, msgs: GenlMessage[]): GenlMessage {
    const m = msgs[0];
    if (!m) throw new NetlinkError(op, ERRNO.EINVAL, "kernel sent no reply message");
    return m;
  }

  info(): Promise<IpvsInfo> {
    return this.run("info", async () => decodeInfo(genlAttrs(this.first("info", await this.fam.call("info", K.IPVS_CMD_GET_INFO)))));
  }

  getTimeouts(): Promise<Timeouts> {
    return this.run("getTimeouts", async () =>
      decodeTimeouts(genlAttrs(this.first("getTimeouts", await this.fam.call("getTimeouts", K.IPVS_CMD_GET_CONFIG)))),
    );
  }

  async setTimeouts(t: Partial<Timeouts>): Promise<void> {
    validateTimeouts("setTimeouts", t);
    const attrs = encodeTimeouts(t);
    if (attrs.length === 0) return;
    await this.run("setTimeouts", () => this.fam.call("setTimeouts", K.IPVS_CMD_SET_CONFIG, attrs));
  }

  private decodeServiceMessage(m: GenlMessage): DecodedService {
    return decodeService(genlAttrs(m).nested(K.IPVS_CMD_ATTR_SERVICE));
  }

  private async dumpDests(op: string, key: ServiceKey, family: Family): Promise<DestinationState[]> {
    const [replies] = await this.fam.dumpMany(K.IPVS_CMD_GET_DEST, [encodeServiceKey(key)]);
    return decodeDestDump(op, replies!, family);
  }

  listServices(): Promise<ServiceState[]> {
    return this.run("listServices", async () => {
      const entries = await listTable(this.fam, { service: decodeServiceFast, family: familyOfDecoded, dest: decodeDestFast });
      return entries.map((e) => listed(e.service, e.dests));
    });
  }

  /** The same table as compact rows (service.list.compact), decoded without objects per destination. */
  listServiceRows(): Promise<ServiceRow[]> {
    return this.run("listServices", async () => {
      const entries = await listTable(this.fam, { service: decodeServiceFast, family: familyOfDecoded, dest: decodeDestRow });
      return entries.map(({ service: s, dests }): ServiceRow => {
        const c = s.service.config;
        return [s.service.key, s.unknownScheduler ?? c.scheduler, c.schedulerFlags, c.persistence, c.pe, c.onePacket, statsToRow(s.stats), dests];
      });
    });
  }

  /** GET_SERVICE doit; null on ESRCH. */
  private async findService(op: string, key: ServiceKey): Promise<DecodedService | null> {
    try {
      const msgs = await this.fam.call(op, K.IPVS_CMD_GET_SERVICE, encodeServiceKey(key));
      return this.decodeServiceMessage(this.first(op, msgs));
    } catch (err) {
      if (err instanceof NetlinkError && err.errno === ERRNO.ESRCH) return null;
      throw err;
    }
  }

  getService(key: ServiceKey): Promise<ServiceState | null> {
    const k = validateServiceKey("getService", key);
    return this.run("getService", async () => {
      const found = await this.findService("getService", k);
      if (!found) return null;
      return listed(found, await this.dumpDests("getService", k, serviceFamily(k)));
    });
  }

  async createService(svc: Service): Promise<void> {
    const s = validateService("createService", svc);
    await this.run("createService", () => this.fam.call("createService", K.IPVS_CMD_NEW_SERVICE, encodeServiceFull(s)));
  }

  async updateService(svc: Service): Promise<void> {
    const s = validateService("updateService", svc);
    await this.run("updateService", () => this.fam.call("updateService", K.IPVS_CMD_SET_SERVICE, encodeServiceFull(s)));
  }

  async deleteService(key: ServiceKey): Promise<void> {
    const k = validateServiceKey("deleteService", key);
    await this.run("deleteService", () => this.fam.call("deleteService", K.IPVS_CMD_DEL_SERVICE, encodeServiceKey(k)));
  }

  listDestinations(key: ServiceKey): Promise<DestinationState[]> {
    const k = validateServiceKey("listDestinations", key);
    return this.run("listDestinations", async () => {
      const dests = await this.dumpDests("listDestinations", k, serviceFamily(k));
      // The kernel answers an empty dump for a missing service: tell the two apart.
      if (dests.length === 0 && !(await this.findService("listDestinations", k))) {
        throw new IpvsError("listDestinations", ERRNO.ESRCH);
      }
      return dests;
    });
  }

  private destRequest(svc: ServiceKey, fill: (w: AttrWriter) => void): Buffer {
    const w = new AttrWriter(256);
    writeServiceKey(w, svc);
    fill(w);
    return w.finish();
  }

  async createDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    const v = validateDestination("createDestination", svc, dest);
    const attrs = this.destRequest(v.svc, (w) => writeDestFull(w, v.dest));
    await this.run("createDestination", () => this.fam.call("createDestination", K.IPVS_CMD_NEW_DEST, attrs));
  }

  async updateDestination(svc: ServiceKey, dest: Destination): Promise<void> {
    const v = validateDestination("updateDestination", svc, dest);
    const attrs = this.destRequest(v.svc, (w) => writeDestFull(w, v.dest));
    await this.run("updateDestination", () => this.fam.call("updateDestination", K.IPVS_CMD_SET_DEST, attrs));
  }

  async deleteDestination(svc: ServiceKey, dest: DestinationKey): Promise<void> {
    const k = validateServiceKey("deleteDestination", svc);
    const attrs = this.destRequest(k, (w) => writeDestKey(w, dest));
    await this.run("deleteDestination", () => this.fam.call("deleteDestination", K.IPVS_CMD_DEL_DEST, attrs));
  }

  async zero(key?: ServiceKey): Promise<void> {
    const attrs = key ? encodeServiceKey(validateServiceKey("zero", key)) : undefined;
    await this.run("zero", () => this.fam.call("zero", K.IPVS_CMD_ZERO, attrs));
  }

  async flush(): Promise<void> {
    await this.run("flush", () => this.fam.call("flush", K.IPVS_CMD_FLUSH));
  }

  listDaemons(): Promise<SyncDaemon[]> {
    return this.run("listDaemons", async () => {
      const msgs = await this.fam.dump("listDaemons", K.IPVS_CMD_GET_DAEMON);
      return msgs.map((m) => decodeDaemon(genlAttrs(m).nested(K.IPVS_CMD_ATTR_DAEMON)));
    });
  }

  async startDaemon(d: SyncDaemon): Promise<void> {
    const v = validateDaemon("startDaemon", d);
    await this.run("startDaemon", () => this.fam.call("startDaemon", K.IPVS_CMD_NEW_DAEMON, encodeDaemon(v)));
  }

  async stopDaemon(state: SyncDaemon["state"], syncId?: number): Promise<void> {
    const w = new AttrWriter(32);
    w.nested(K.IPVS_CMD_ATTR_DAEMON, (n) => {
      n.u32(K.IPVS_DAEMON_ATTR_STATE, daemonStateCode(state));
      if (syncId !== undefined) n.u32(K.IPVS_DAEMON_ATTR_SYNC_ID, syncId);
    });
    await this.run("stopDaemon", () => this.fam.call("stopDaemon", K.IPVS_CMD_DEL_DAEMON, w.finish()));
  }

  async applyBatch(changes: readonly IpvsChange[], options: IpvsBatchOptions = {}): Promise<IpvsBatchOutcome[]> {
    // every change is checked before the first byte goes out
    const encoded = changes.map(encodeChange);
    const sendable = encoded.filter((e): e is EncodedChange => e !== null);
    const replies = await this.run("applyBatch", () => this.fam.callBatch(sendable, options.stopOnError ?? false));
    let next = 0;
    return encoded.map((e): IpvsBatchOutcome => {
      if (e === null) return { status: "done" };
      const r = replies[next++];
      if (r === null || r === undefined) return { status: "skipped" };
      return r instanceof NetlinkError ? { status: "failed", error: new IpvsError(e.op, r.errno, undefined, r.kernelMessage) } : { status: "done" };
    });
  }

  close(): void {
    this.fam.transport.close();
  }
}
