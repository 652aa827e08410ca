// The table of error codes (re-exported by errors.ts, which adds the zod schemas): apart so that
// the browser can check an error body without loading zod (see isErrorBody).
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


/** Whether `v` has the shape of errors.ts ErrorBody ({code, message, details?}), without zod. */
export function isErrorBody(v: unknown): v is { code: keyof typeof ERROR_HTTP_STATUS; message: string; details?: unknown } {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const o = v as Record<string, unknown>;
  return typeof o["code"] === "string" && Object.hasOwn(ERROR_HTTP_STATUS, o["code"]) && typeof o["message"] === "string";
}
