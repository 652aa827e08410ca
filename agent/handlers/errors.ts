// Maps whatever a handler threw to a protocol error. Kernel failures arrive as errors that name
// an errno (IpvsError's `code`, or netlink@0.3.0's plain "Request rejected: EEXIST"); the
// client's own validation failures carry `issues` and are the caller's fault (bad_request).
import { ProtocolError } from "@/protocol/errors.ts";
import type { ErrorCode } from "@/protocol/errors.ts";

const ERRNO_CODE: Record<string, ErrorCode> = {
  EEXIST: "conflict",
  ESRCH: "not_found",
  ENOENT: "not_found",
  EINVAL: "kernel_error",
  ERANGE: "kernel_error",
  EAFNOSUPPORT: "kernel_error",
  ENETUNREACH: "kernel_error",
  ENOTSUP: "unsupported",
  EOPNOTSUPP: "unsupported",
  EPERM: "forbidden",
  EACCES: "forbidden",
  ENOPROTOOPT: "unavailable",
};

const ERRNO_NAME = /\b(E[A-Z0-9]{2,15})\b/;

/** The errno name an error carries, if any (err.code, err.errno as a name, or in the text). */
export function errnoNameOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const e = err as Error & { code?: unknown; errno?: unknown };
  for (const v of [e.code, e.errno]) {
    if (typeof v === "string" && /^E[A-Z0-9]+$/.test(v)) return v;
  }
  // from text, only names we know, so an unrelated word like "EOF" is not taken for an errno
  const m = ERRNO_NAME.exec(err.message)?.[1];
  return m !== undefined && m in ERRNO_CODE ? m : undefined;
}

export function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof ProtocolError) return err;
  // checks the IPVS client made before calling the kernel (IpvsValidationError's `issues`)
  const issues = (err as { issues?: unknown } | null)?.issues;
  if (err instanceof Error && Array.isArray(issues) && issues.every((i) => typeof i === "string")) {
    return new ProtocolError("bad_request", err.message, { issues });
  }
  const errno = errnoNameOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (errno) {
    return new ProtocolError(ERRNO_CODE[errno] ?? "kernel_error", message, { errno });
  }
  return new ProtocolError("internal", message);
}
