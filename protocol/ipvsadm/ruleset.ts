// An in-memory IPVS table that runs rule commands with the kernel's outcomes (exists, no such
// service, ...) worded as ipvsadm words them. Used to validate a whole rule set before any of
// it reaches the kernel, to preview an import, and to know what to undo.
import type { Destination, DestinationKey, Service, ServiceKey } from "../ipvs.ts";
import { canonicalAddress } from "./addr.ts";
import type { RuleCommand } from "./command.ts";
import { MergeError, mergeServerEdit, mergeServiceEdit } from "./merge.ts";
import type { ServiceRules } from "./names.ts";

export function serviceKeyString(k: ServiceKey): string {
  return k.protocol === "fwmark" ? `fwmark|${k.family}|${k.fwmark}` : `${k.protocol}|${canonicalAddress(k.address)}|${k.port}`;
}

export function destKeyString(k: DestinationKey): string {
  return `${canonicalAddress(k.address)}|${k.port}`;
}

/** A command the kernel (or our merge rules) would refuse; message as ipvsadm prints it. */
export class RuleRejectedError extends Error {
  override readonly name = "RuleRejectedError";
  constructor(
    message: string,
    /** errno name the kernel would return, or null for our own checks */
    readonly errno: string | null,
  ) {
    super(message);
  }
}

interface Entry {
  service: Service;
  /** newest first, as the kernel lists them */
  dests: Map<string, Destination>;
}

export class RuleModel {
  private readonly table = new Map<string, Entry>();

  static from(services: readonly ServiceRules[]): RuleModel {
    const m = new RuleModel();
    for (const s of services) {
      const dests = new Map<string, Destination>();
      for (const d of s.destinations) dests.set(destKeyString(d.key), { key: d.key, config: d.config });
      m.table.set(serviceKeyString(s.key), { service: { key: s.key, config: s.config }, dests });
    }
    return m;
  }

  getService(key: ServiceKey): Service | null {
    return this.table.get(serviceKeyString(key))?.service ?? null;
  }

  getDestination(svc: ServiceKey, key: DestinationKey): Destination | null {
    return this.table.get(serviceKeyString(svc))?.dests.get(destKeyString(key)) ?? null;
  }

  /** One service with its servers (newest first), or null. */
  getServiceRules(key: ServiceKey): ServiceRules | null {
    const e = this.table.get(serviceKeyString(key));
    return e ? { ...e.service, destinations: [...e.dests.values()] } : null;
  }

  /** Services in insertion order, servers newest first. */
  toRules(): ServiceRules[] {
    return [...this.table.values()].map((e) => ({ ...e.service, destinations: [...e.dests.values()] }));
  }

  private entry(key: ServiceKey, missing: string): Entry {
    const e = this.table.get(serviceKeyString(key));
    if (!e) throw new RuleRejectedError(missing, "ESRCH");
    return e;
  }

  /** Applies one command; throws RuleRejectedError and leaves the model unchanged on refusal. */
  apply(cmd: RuleCommand): void {
    switch (cmd.kind) {
      case "add-service": {
        const k = serviceKeyString(cmd.service.key);
        if (this.table.has(k)) throw new RuleRejectedError("Service already exists", "EEXIST");
        this.table.set(k, { service: cmd.service, dests: new Map() });
        return;
      }
      case "edit-service": {
        const e = this.entry(cmd.service.key, "No such service");
        e.service = wrapMerge(() => mergeServiceEdit(e.service, cmd));
        return;
      }
      case "delete-service":
        this.entry(cmd.service, "No such service");
        this.table.delete(serviceKeyString(cmd.service));
        return;
      case "flush":
        this.table.clear();
        return;
      case "zero":
        if (cmd.service) this.entry(cmd.service, "No such service");
        return;
      case "set-timeouts":
        return;
      case "add-server": {
        const e = this.entry(cmd.service, "Service not defined");
        const k = destKeyString(cmd.destination.key);
        if (e.dests.has(k)) throw new RuleRejectedError("Destination already exists", "EEXIST");
        checkThresholds(cmd.destination);
        // newest first: rebuild with the new server at the head
        const rest = [...e.dests];
        e.dests = new Map([[k, cmd.destination], ...rest]);
        return;
      }
      case "edit-server": {
        const e = this.entry(cmd.service, "Service not defined");
        const k = destKeyString(cmd.destination.key);
        const live = e.dests.get(k);
        if (!live) throw new RuleRejectedError("No such destination", "ENOENT");
        const merged = wrapMerge(() => mergeServerEdit(cmd.service, live, cmd));
        checkThresholds(merged);
        e.dests.set(k, merged);
        return;
      }
      case "delete-server": {
        const e = this.entry(cmd.service, "Service not defined");
        const k = destKeyString(cmd.destination);
        if (!e.dests.delete(k)) throw new RuleRejectedError("No such destination", "ENOENT");
        return;
      }
    }
  }
}

function wrapMerge<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MergeError) throw new RuleRejectedError(e.message, null);
    throw e;
  }
}

/** The kernel refuses a lower threshold above the upper one (ERANGE). */
function checkThresholds(d: Destination): void {
  if (d.config.lowerThreshold > d.config.upperThreshold)
    throw new RuleRejectedError("Numerical result out of range (lower threshold above upper threshold)", "ERANGE");
}
