// The one table of error codes spoken between agent, server, lvsctl and UI. Each code has the
// HTTP status the server uses when it relays the error, so every layer agrees on meaning.
import { z } from "zod";

export const ERROR_HTTP_STATUS = {
  /** the message or its payload failed validation */
  bad_request: 400,
  /** the peer speaks another protocol version */
  version_mismatch: 400,
  /** missing or wrong token */
  unauthorized: 401,
  /** the agent's role does not allow this message (e.g. ipvs on a realserver agent) */
  forbidden: 403,
  /** the service, destination or daemon does not exist */
  not_found: 404,
  /** it already exists */
  conflict: 409,
  /** the message is larger than the agent accepts */
  too_large: 413,
  /** too many attempts (sign-in throttling): retry after details.retryAfterSeconds */
  rate_limited: 429,
  /** the kernel refused the operation for another reason (details.errno says which) */
  kernel_error: 502,
  /** the agent cannot serve right now (link down, shutting down) */
  unavailable: 503,
  /** the request's deadline passed before the handler finished */
  timeout: 504,
  /** a message type this agent does not know or does not implement */
  unsupported: 501,
  /** a bug: anything not classified above */
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS;
export const ERROR_CODES = Object.keys(ERROR_HTTP_STATUS) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ErrorBody = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export function httpStatusOf(code: ErrorCode): number {
  return ERROR_HTTP_STATUS[code];
}

/** Thrown by handlers and by the client for failures that carry a protocol error code. */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromBody(body: ErrorBody): ProtocolError {
    return new ProtocolError(body.code, body.message, body.details);
  }
}
