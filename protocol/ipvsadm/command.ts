// Typed form of one ipvsadm command line. The parser (args.ts) produces it, lvsctl sends it,
// the rules applier (agent/rules/apply.ts) executes it. Field values are domain types from
// protocol/ipvs.ts; what the user actually typed is kept in `given` where it matters.
import type {
  Destination,
  DestinationKey,
  Service,
  ServiceKey,
  SyncDaemon,
  Timeouts,
} from "../ipvs.ts";

/** Which service fields appeared on an -E line (edits merge into the live config). */
export interface ServiceFieldsGiven {
  scheduler: boolean;
  persistence: boolean;
  netmask: boolean;
  pe: boolean;
  onePacket: boolean;
  schedulerFlags: boolean;
}

/** Which destination fields appeared on an -e line. */
export interface DestinationFieldsGiven {
  forwarding: boolean;
  weight: boolean;
  upperThreshold: boolean;
  lowerThreshold: boolean;
  tunnel: boolean;
}

/** The listing view, from the -L options; "default" is `-Ln`. */
export type ListView = "default" | "stats" | "rate" | "thresholds" | "persistent-conn" | "tun-info";

export interface ListFormat {
  view: ListView;
  exact: boolean;
  nosort: boolean;
  /** -n given; lvsctl never resolves names, so output is numeric either way */
  numeric: boolean;
}

export type IpvsadmCommand =
  | { kind: "add-service"; service: Service }
  /** `service` holds ipvsadm's defaults for fields not given; `given` says which were typed */
  | { kind: "edit-service"; service: Service; given: ServiceFieldsGiven }
  | { kind: "delete-service"; service: ServiceKey }
  | { kind: "flush" }
  | { kind: "add-server"; service: ServiceKey; destination: Destination }
  | {
      kind: "edit-server";
      service: ServiceKey;
      destination: Destination;
      given: DestinationFieldsGiven;
    }
  | { kind: "delete-server"; service: ServiceKey; destination: DestinationKey }
  | { kind: "list"; service: ServiceKey | null; format: ListFormat }
  | { kind: "list-connections"; persistentConn: boolean }
  | { kind: "list-timeouts" }
  | { kind: "list-daemons" }
  | { kind: "zero"; service: ServiceKey | null }
  /** 0 means "leave unchanged", as with ipvsadm --set */
  | { kind: "set-timeouts"; timeouts: Timeouts }
  | { kind: "start-daemon"; daemon: SyncDaemon }
  | { kind: "stop-daemon"; state: SyncDaemon["state"]; syncId: number }
  | { kind: "save"; numeric: boolean }
  | { kind: "restore" }
  | { kind: "help" }
  | { kind: "version" };

export type IpvsadmCommandKind = IpvsadmCommand["kind"];

/** Commands that change kernel state: the ones a rule set (ipvsadm -R input) may contain. */
export type RuleCommand = Extract<
  IpvsadmCommand,
  {
    kind:
      | "add-service"
      | "edit-service"
      | "delete-service"
      | "flush"
      | "add-server"
      | "edit-server"
      | "delete-server"
      | "zero"
      | "set-timeouts";
  }
>;

const RULE_KINDS: ReadonlySet<string> = new Set([
  "add-service",
  "edit-service",
  "delete-service",
  "flush",
  "add-server",
  "edit-server",
  "delete-server",
  "zero",
  "set-timeouts",
]);

export function isRuleCommand(c: IpvsadmCommand): c is RuleCommand {
  return RULE_KINDS.has(c.kind);
}

/** A syntax or option error as ipvsadm reports it before talking to the kernel. */
export class IpvsadmUsageError extends Error {
  override readonly name = "IpvsadmUsageError";
  /** ipvsadm's exit status: 2 for its own checks, 255 for popt/usage failures */
  constructor(
    message: string,
    readonly exitCode: 2 | 255 = 2,
  ) {
    super(message);
  }
}
