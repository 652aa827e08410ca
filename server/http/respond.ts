// JSON in and out for the REST routes: bodies read with a size limit and parsed with the
// protocol schemas; every failure answers `{error:{code,message,details?}}` with the HTTP
// status protocol/errors.ts gives its code.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { ProtocolError, httpStatusOf } from "@/protocol/errors.ts";
import { isStoreError, isWriteFault, readOnlyMessage } from "../store/health.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
/** rules imports carry a whole ipvsadm -S text */
export const MAX_RULES_BODY_BYTES = 16 * 1024 * 1024;

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

export function toProtocolError(err: unknown): ProtocolError {
  if (err instanceof ProtocolError) return err;
  // the store failed under a request (disk full, I/O): the request is refused, the server lives
  if (isWriteFault(err)) return new ProtocolError("unavailable", readOnlyMessage({ where: "request", code: String((err as { code: string }).code), message: (err as Error).message, time: Date.now() }));
  if (isStoreError(err)) return new ProtocolError("unavailable", `store error: ${(err as Error).message}`);
  return new ProtocolError("internal", err instanceof Error ? err.message : String(err));
}

export function sendError(res: ServerResponse, err: unknown): void {
  const pe = toProtocolError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, httpStatusOf(pe.code), { error: pe.toBody() });
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) {
      reject(new ProtocolError("too_large", `the request body is larger than ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ProtocolError("too_large", `the request body is larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** Validates a value with a schema; bad_request with the issues otherwise. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = issuesOf(r.error);
    const first = issues[0];
    const msg = first ? `${first.path ? `${first.path}: ` : ""}${first.message}` : "invalid";
    throw new ProtocolError("bad_request", `invalid ${what}: ${msg}`, { issues });
  }
  return r.data;
}

export async function readJson<S extends z.ZodType>(
  req: IncomingMessage,
  schema: S,
  what: string,
  limit = MAX_BODY_BYTES,
): Promise<z.output<S>> {
  const text = await readBody(req, limit);
  let raw: unknown;
  try {
    raw = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw new ProtocolError("bad_request", `the ${what} is not valid JSON`);
  }
  return validate(schema, raw, what);
}
