// Turning untrusted text into a typed Request, with the most useful error for each failure:
// the id is recovered whenever it can be, so a client can match the error to its request.
import { ProtocolError } from "../errors.ts";
import {
  CATALOG,
  MAX_DEADLINE_MS,
  PROTOCOL_VERSION,
  type Request,
  RequestId,
  isRequestType,
} from "./catalog.ts";
import type { z } from "zod";

export type ParseOutcome =
  | { ok: true; request: Request }
  | { ok: false; id: string | null; error: ProtocolError };

/** Zod issues as plain, JSON-safe details (path joined with dots). */
export function issuesOf(err: z.ZodError): { path: string; message: string }[] {
  return err.issues.slice(0, 20).map((i) => ({
    path: i.path.map(String).join("."),
    message: i.message,
  }));
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

export function parseRequestText(text: string): ParseOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail(null, "bad_request", "message is not valid JSON");
  }
  return parseRequestValue(raw);
}

export function parseRequestValue(raw: unknown): ParseOutcome {
  if (!isPlainObject(raw)) return fail(null, "bad_request", "message must be a JSON object");
  const idParse = RequestId.safeParse(raw.id);
  const id = idParse.success ? idParse.data : null;
  if (id === null) return fail(null, "bad_request", "missing or invalid id (1-128 char string)");
  if (raw.v !== PROTOCOL_VERSION) {
    return fail(id, "version_mismatch", `protocol version must be ${PROTOCOL_VERSION}`, {
      expected: PROTOCOL_VERSION,
      got: raw.v ?? null,
    });
  }
  const type = raw.type;
  if (!isRequestType(type)) {
    return fail(id, "unsupported", `unknown message type ${JSON.stringify(type ?? null)}`);
  }
  const deadline = raw.deadlineMs;
  if (
    deadline !== undefined &&
    !(Number.isInteger(deadline) && (deadline as number) >= 1 && (deadline as number) <= MAX_DEADLINE_MS)
  ) {
    return fail(id, "bad_request", `deadlineMs must be an integer 1..${MAX_DEADLINE_MS}`);
  }
  // an absent payload means {} (ping, service.list, ...); null is a malformed payload
  const payload = CATALOG[type].input.safeParse(raw.payload === undefined ? {} : raw.payload);
  if (!payload.success) {
    return fail(id, "bad_request", `invalid payload for ${type}`, issuesOf(payload.error));
  }
  const request = {
    v: PROTOCOL_VERSION,
    id,
    type,
    payload: payload.data,
    ...(deadline === undefined ? {} : { deadlineMs: deadline as number }),
  } as Request;
  return { ok: true, request };
}

function fail(
  id: string | null,
  code: ProtocolError["code"],
  message: string,
  details?: unknown,
): ParseOutcome {
  return { ok: false, id, error: new ProtocolError(code, message, details) };
}
