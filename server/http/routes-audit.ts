// /api/audit (newest first, paged) and /api/audit/export?format=csv|json with the same
// filters (director, action or action family, user, text search, time range, outcome): every
// matching entry, streamed from SQLite in pages with backpressure.
import type { ServerResponse } from "node:http";
import { type AuditEntry, AuditExportFormat } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import type { AuditQuery } from "../store/audit.ts";
import { validate } from "./respond.ts";
import type { Router } from "./router.ts";

function intParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ProtocolError("bad_request", `${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

const OUTCOMES = ["ok", "failed", "pending"] as const;

/** A text parameter: absent when empty; refused past `max` characters (a search is words, not a dump). */
function textParam(q: URLSearchParams, name: string, max: number): string | undefined {
  const v = q.get(name)?.trim();
  if (!v) return undefined;
  if (v.length > max) throw new ProtocolError("bad_request", `${name} is longer than ${max} characters`);
  return v;
}

/** The filters of /api/audit and its export: director, action (or "family.*"), user, q (text
 * search), since/until (ms), outcome, before (paging). */
function filtersOf(query: URLSearchParams): AuditQuery {
  const f: AuditQuery = {};
  const director = textParam(query, "director", 200);
  const action = textParam(query, "action", 100);
  const user = textParam(query, "user", 200);
  const q = textParam(query, "q", 200);
  const since = intParam(query, "since", 0, Number.MAX_SAFE_INTEGER);
  const until = intParam(query, "until", 0, Number.MAX_SAFE_INTEGER);
  const before = intParam(query, "before", 1, Number.MAX_SAFE_INTEGER);
  const outcome = query.get("outcome") || undefined;
  if (outcome !== undefined && !(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new ProtocolError("bad_request", `outcome must be one of ${OUTCOMES.join(", ")}`);
  }
  if (director) f.director = director;
  if (action) f.action = action;
  if (user) f.user = user;
  if (q) f.q = q;
  if (since !== undefined) f.since = since;
  if (until !== undefined) f.until = until;
  if (outcome) f.outcome = outcome as AuditQuery["outcome"] & string;
  if (before !== undefined) f.before = before;
  return f;
}

export const AUDIT_CSV_COLUMNS = ["id", "time", "user", "action", "director", "target", "ok", "request", "result", "before", "after"] as const;

/** One CSV field (RFC 4180 quoting). A leading = + - @ is prefixed with ' so that a
 * spreadsheet never runs a value someone typed as a formula. */
export function csvField(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function auditCsvRow(e: AuditEntry): string {
  const cells: Record<(typeof AUDIT_CSV_COLUMNS)[number], unknown> = {
    ...e,
    time: new Date(e.time).toISOString(),
    ok: e.ok === null ? "running" : e.ok ? "ok" : "failed",
    before: e.before ?? null,
    after: e.after ?? null,
  };
  return AUDIT_CSV_COLUMNS.map((c) => csvField(cells[c])).join(",");
}

/** Rows read from SQLite per page of an export (a page is one query and one write). */
export const EXPORT_PAGE_ROWS = 500;

/** Resolves once the response can take more ('drain'), or is gone ('close'). */
function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Streams the export page by page: one page is read and written, then the next waits for the
 * client to take it ('drain' when write() said the buffer is full, else the next turn of the
 * event loop), so neither the export nor the socket's buffer grows with the log's size and the
 * agent heartbeats keep running meanwhile. A client that goes away stops the reading. A store
 * error part way destroys the response: the file is visibly cut, never a complete-looking one.
 */
async function streamExport(res: ServerResponse, pages: Iterable<AuditEntry[]>, format: "csv" | "json"): Promise<void> {
  const stamp = new Date().toISOString().replaceAll(":", "-").slice(0, 19);
  res.writeHead(200, {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="lvs-fleet-audit-${stamp}.${format}"`,
    "cache-control": "no-store",
  });
  let gone = false;
  res.once("close", () => {
    gone = true;
  });
  const send = async (chunk: string): Promise<void> => {
    if (!res.write(chunk)) await writable(res);
    else await new Promise<void>((r) => setImmediate(r));
  };
  try {
    await send(format === "csv" ? `${AUDIT_CSV_COLUMNS.join(",")}\r\n` : "[");
    let first = true;
    for (const page of pages) {
      if (gone || res.destroyed) return;
      let chunk = "";
      for (const e of page) {
        chunk += format === "csv" ? `${auditCsvRow(e)}\r\n` : `${first ? "" : ","}\n${JSON.stringify(e)}`;
        first = false;
      }
      await send(chunk);
    }
    if (gone || res.destroyed) return;
    res.end(format === "csv" ? undefined : "\n]\n");
  } catch (err) {
    res.destroy(err as Error);
  }
}

export function auditRoutes(router: Router, app: Dashboard): void {
  router
    .on("GET /api/audit", ({ query }) => {
      const limit = intParam(query, "limit", 1, 1000);
      return app.audit.query({ ...filtersOf(query), ...(limit === undefined ? {} : { limit }) });
    })
    .on("GET /api/audit/export", async ({ res, query }) => {
      const format = validate(AuditExportFormat, query.get("format") ?? "json", "format");
      // answered by the stream; the router has nothing more to send
      await streamExport(res, app.audit.pages(filtersOf(query), EXPORT_PAGE_ROWS), format);
      return undefined;
    });
}
