// IpvsError: what the client throws. Kernel errnos are worded per operation the way ipvsadm
// words them, so operators see familiar text; op, errno, code and kernel message stay on it.
import { NetlinkError, errnoName } from "../netlink/genl.ts";

export type IpvsOp =
  | "open"
  | "applyBatch"
  | "info"
  | "getTimeouts"
  | "setTimeouts"
  | "listServices"
  | "getService"
  | "createService"
  | "updateService"
  | "deleteService"
  | "listDestinations"
  | "createDestination"
  | "updateDestination"
  | "deleteDestination"
  | "zero"
  | "flush"
  | "listDaemons"
  | "startDaemon"
  | "stopDaemon";

export const ERRNO = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  ENOMEM: 12,
  EEXIST: 17,
  EINVAL: 22,
  ERANGE: 34,
  EMSGSIZE: 90,
  EOPNOTSUPP: 95,
  EAFNOSUPPORT: 97,
  ENETUNREACH: 101,
} as const;

const SCHED_NOT_FOUND = "Scheduler or persistence engine not found";
const SERVICE_NOT_DEFINED = "Service not defined";

/** ipvsadm's (operation, errno) table, reference section 5.1. */
const BY_OP: Partial<Record<IpvsOp, Partial<Record<number, string>>>> = {
  open: { [ERRNO.ENOENT]: "IPVS is not available in this kernel (generic netlink family IPVS not found)" },
  createService: { [ERRNO.EEXIST]: "Service already exists", [ERRNO.ENOENT]: SCHED_NOT_FOUND },
  updateService: { [ERRNO.ESRCH]: "No such service", [ERRNO.ENOENT]: SCHED_NOT_FOUND },
  deleteService: { [ERRNO.ESRCH]: "No such service" },
  getService: { [ERRNO.ESRCH]: "No such service" },
  listDestinations: { [ERRNO.ESRCH]: "No such service" },
  zero: { [ERRNO.ESRCH]: "No such service" },
  createDestination: { [ERRNO.ESRCH]: SERVICE_NOT_DEFINED, [ERRNO.EEXIST]: "Destination already exists" },
  updateDestination: { [ERRNO.ESRCH]: SERVICE_NOT_DEFINED, [ERRNO.ENOENT]: "No such destination" },
  deleteDestination: { [ERRNO.ESRCH]: SERVICE_NOT_DEFINED, [ERRNO.ENOENT]: "No such destination" },
  startDaemon: {
    [ERRNO.EEXIST]: "Daemon has already run",
    [ERRNO.ENETUNREACH]: "Network is unreachable (does the multicast interface have an address?)",
  },
  stopDaemon: { [ERRNO.ESRCH]: "No daemon is running" },
};

const GENERIC: Partial<Record<number, string>> = {
  [ERRNO.EPERM]: "Permission denied (you must be root)",
  [ERRNO.EINVAL]: "Invalid operation.  Possibly wrong module version, address not unicast, ...",
  [ERRNO.EAFNOSUPPORT]: "Operation not supported with specified address family",
  [ERRNO.ENOMEM]: "Memory allocation problem",
  [ERRNO.EOPNOTSUPP]: "Operation not supported",
  [ERRNO.EMSGSIZE]: "Module is wrong version",
  [ERRNO.ERANGE]: "Numerical result out of range",
};

export function ipvsMessage(op: IpvsOp, errno: number): string {
  return BY_OP[op]?.[errno] ?? GENERIC[errno] ?? errnoName(errno);
}

export class IpvsError extends Error {
  override name = "IpvsError";
  readonly code: string;
  constructor(
    readonly op: IpvsOp,
    /** positive errno; EINVAL for validation failures that never reached the kernel */
    readonly errno: number,
    message: string = ipvsMessage(op, errno),
    readonly kernelMessage: string | null = null,
  ) {
    super(message);
    this.code = errnoName(errno);
  }
}

/** Rejected before anything was sent to the kernel; `issues` lists every problem found. */
export class IpvsValidationError extends IpvsError {
  override name = "IpvsValidationError";
  constructor(
    op: IpvsOp,
    readonly issues: string[],
  ) {
    super(op, ERRNO.EINVAL, issues.join("; "));
  }
}

/** Wraps kernel errors; anything else (transport, decode) passes through unchanged. */
export function toIpvsError(op: IpvsOp, err: unknown): unknown {
  if (err instanceof NetlinkError) return new IpvsError(op, err.errno, undefined, err.kernelMessage);
  return err;
}
