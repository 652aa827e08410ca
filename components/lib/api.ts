// The browser's REST transport: one request with the CSRF token, and one error type that keeps
// the server's (or the kernel's) message verbatim plus a hint of what the operator can do
// about it. The typed client over it is api-client.ts.
import { isErrorBody } from "@/protocol/error-codes.ts";
import type { ErrorCode } from "@/protocol/errors.ts";

export class ApiRequestError extends Error {
  override readonly name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network",
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** What to do about an error, by its code; shown under the verbatim message. */
export function errorHint(code: ErrorCode | "network"): string {
  switch (code) {
    case "bad_request":
      return "Correct the input and try again.";
    case "unauthorized":
      return "Sign in again, or check the agent's token in the director's registration.";
    case "forbidden":
      return "Your role (or this agent's role) does not allow this action; ask an admin.";
    case "not_found":
      return "It no longer exists; reload the page to see the current state.";
    case "conflict":
      return "It already exists, or the director changed since this page loaded it: look at the current state and try again.";
    case "kernel_error":
      return "The kernel refused the change; check the options against the kernel's message.";
    case "unavailable":
      return "The director's agent is not connected; wait until it is online and retry.";
    case "timeout":
      return "The agent did not answer in time; check the director and retry.";
    case "too_large":
      return "The request is too large; split it into smaller parts.";
    case "rate_limited":
      return "Too many attempts; wait the time given and try again.";
    case "version_mismatch":
      return "The agent runs another protocol version; upgrade the agent or the dashboard.";
    case "unsupported":
      return "The agent does not support this; upgrade the agent.";
    case "network":
      return "The dashboard server is unreachable; check your connection and retry.";
    default:
      return "An internal error occurred; see the server log.";
  }
}

/** Turns a failed response into an ApiRequestError, reading the `{error:{...}}` body if any. */
export async function errorFromResponse(res: Response): Promise<ApiRequestError> {
  const text = await res.text().catch(() => "");
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: fall back to the status text below
  }
  // protocol's ApiError ({error: ErrorBody}), checked without zod
  const e = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  if (isErrorBody(e)) {
    return new ApiRequestError(res.status, e.code, e.message, e.details);
  }
  const code: ErrorCode = res.status === 404 ? "not_found" : res.status === 401 ? "unauthorized" : "internal";
  return new ApiRequestError(res.status, code, `HTTP ${res.status} ${res.statusText}${text ? `: ${text.slice(0, 300)}` : ""}`);
}

/** The session's CSRF token: the server sets it in a cookie scripts can read (the session
 * cookie itself is httpOnly); every mutation echoes it in X-CSRF-Token. */
export function csrfToken(): string {
  if (typeof document === "undefined") return "";
  // __Host-lvs_csrf when served over TLS (server/auth/cookies.ts)
  const m = /(?:^|;\s*)(?:__Host-)?lvs_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : "";
}

/** Sends the browser to the sign-in page, coming back here afterwards. */
export function goToLogin(): void {
  if (typeof window === "undefined" || window.location.pathname === "/login") return;
  const next = window.location.pathname + window.location.search;
  window.location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/** One request with the CSRF token; a failed answer becomes an ApiRequestError (401: sign in). */
export async function send(path: string, init: RequestInit): Promise<Response> {
  let res: Response;
  const method = (init.method ?? "GET").toUpperCase();
  const csrf: Record<string, string> = method === "GET" || method === "HEAD" ? {} : { "x-csrf-token": csrfToken() };
  try {
    res = await fetch(path, { ...init, headers: { accept: "application/json", ...csrf, ...init.headers } });
  } catch (e) {
    throw new ApiRequestError(0, "network", e instanceof Error ? e.message : String(e));
  }
  // the session ended (expired, signed out elsewhere, user removed): sign in again
  if (res.status === 401 && !path.startsWith("/api/auth/")) goToLogin();
  if (!res.ok) throw await errorFromResponse(res);
  return res;
}
