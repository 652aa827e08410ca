// /api/audit (newest first, paged) and /api/audit/export?format=csv|json with the same
// filters: every matching entry, streamed.
import type { ServerResponse } from "node:http";
import { type AuditEntry, AuditExportFormat } from "../../protocol/dashboard.ts";
import { ProtocolError } from "../../protocol/errors.ts";
import type { Dashboard } from "../app.ts";
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

function filtersOf(query: URLSearchParams): AuditQuery {
  const director = query.get("director") || undefined;
  const action = query.get("action") || undefined;
  const before = intParam(query, "before", 1, Number.MAX_SAFE_INTEGER);
  return { ...(director ? { director } : {}), ...(action ? { action } : {}), ...(before === undefined ? {} : { before }) };
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

function writeExport(res: ServerResponse, entries: Iterable<AuditEntry>, format: "csv" | "json"): void {
  const stamp = new Date().toISOString().replaceAll(":", "-").slice(0, 19);
  res.writeHead(200, {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="lvs-fleet-audit-${stamp}.${format}"`,
    "cache-control": "no-store",
  });
  if (format === "csv") {
    res.write(`${AUDIT_CSV_COLUMNS.join(",")}\r\n`);
    for (const e of entries) res.write(`${auditCsvRow(e)}\r\n`);
  } else {
    res.write("[");
    let first = true;
    for (const e of entries) {
      res.write(`${first ? "" : ","}\n${JSON.stringify(e)}`);
      first = false;
    }
    res.write("\n]\n");
  }
  res.end();
}

export function auditRoutes(router: Router, app: Dashboard): void {
  router
    .on("GET", "/api/audit", ({ query }) => {
      const limit = intParam(query, "limit", 1, 1000);
      return app.audit.query({ ...filtersOf(query), ...(limit === undefined ? {} : { limit }) });
    })
    .on("GET", "/api/audit/export", ({ res, query }) => {
      const format = validate(AuditExportFormat, query.get("format") ?? "json", "format");
      writeExport(res, app.audit.iterate(filtersOf(query)), format);
      return undefined;
    });
}
