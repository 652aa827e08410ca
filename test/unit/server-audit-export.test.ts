// The streamed audit export (GET /api/audit/export) gives byte for byte what the export
// built in one synchronous pass gave before it (the goldens below were produced by that code,
// commit 09e2efb, from these rows): CSV quoting and formula guards, JSON layout, filters,
// paging below an id, and empty exports; also with pages of 1 and 2 rows (page boundaries).
import { afterEach, describe, expect, it } from "vitest";
import type { AuditLog } from "@/server/store/audit.ts";
import { type TestServer, closeTestServer, startServer } from "./server-helpers.ts";

let s: TestServer | undefined;
afterEach(async () => {
  await closeTestServer(s, []);
  s = undefined;
});

// [time, user, action, director, target, request, ok, result, before, after] (JSON text or null), ids 1001...
const ROWS: [number, string, string, string | null, string | null, string | null, number | null, string | null, string | null, string | null][] = [
  [1735732800000, "admin", "service.create", "golden-dir", "tcp:10.0.0.1:80", '{"key":{"protocol":"tcp","address":"10.0.0.1","port":80},"note":"a, \\"quoted\\"\\nline"}', 1, '{"ok":true}', "null", '{"services":[]}'],
  [1735732801000, "ünïcode ☃", "dest.update", "golden-dir", "=HYPERLINK(\"http://x\")", '{"weight":0}', 0, '{"error":{"code":"kernel_error","message":"No such file, or directory"}}', '{"weight":5}', "null"],
  [1735732802500, "operator", "drain.start", "golden-dir", null, null, null, null, "null", null],
  [1735732803000, "+plus", "-minus", "golden-dir", "line1\r\nline2", '"@at"', 1, "null", null, null],
  [1735732804000, "admin", "drain.start", "golden-dir", "tab\there", '{"deep":{"a":[1,2,{"b":null}]},"unicode":"\\u2603 ☃"}', 1, '{"count":3}', "null", "null"],
  [1735732805000, "admin", "other.dir", "another-dir", "x", "{}", 1, "null", "null", "null"],
];

const GOLDEN: Record<string, string> = {
  csv: "id,time,user,action,director,target,ok,request,result,before,after\r\n1005,2025-01-01T12:00:04.000Z,admin,drain.start,golden-dir,tab\there,ok,\"{\"\"deep\"\":{\"\"a\"\":[1,2,{\"\"b\"\":null}]},\"\"unicode\"\":\"\"☃ ☃\"\"}\",\"{\"\"count\"\":3}\",,\r\n1004,2025-01-01T12:00:03.000Z,'+plus,'-minus,golden-dir,\"line1\r\nline2\",ok,'@at,,,\r\n1003,2025-01-01T12:00:02.500Z,operator,drain.start,golden-dir,,running,,,,\r\n1002,2025-01-01T12:00:01.000Z,ünïcode ☃,dest.update,golden-dir,\"'=HYPERLINK(\"\"http://x\"\")\",failed,\"{\"\"weight\"\":0}\",\"{\"\"error\"\":{\"\"code\"\":\"\"kernel_error\"\",\"\"message\"\":\"\"No such file, or directory\"\"}}\",\"{\"\"weight\"\":5}\",\r\n1001,2025-01-01T12:00:00.000Z,admin,service.create,golden-dir,tcp:10.0.0.1:80,ok,\"{\"\"key\"\":{\"\"protocol\"\":\"\"tcp\"\",\"\"address\"\":\"\"10.0.0.1\"\",\"\"port\"\":80},\"\"note\"\":\"\"a, \\\"\"quoted\\\"\"\\nline\"\"}\",\"{\"\"ok\"\":true}\",,\"{\"\"services\"\":[]}\"\r\n",
  json: "[\n{\"id\":1005,\"time\":1735732804000,\"user\":\"admin\",\"action\":\"drain.start\",\"director\":\"golden-dir\",\"target\":\"tab\\there\",\"request\":{\"deep\":{\"a\":[1,2,{\"b\":null}]},\"unicode\":\"☃ ☃\"},\"ok\":true,\"result\":{\"count\":3},\"before\":null,\"after\":null},\n{\"id\":1004,\"time\":1735732803000,\"user\":\"+plus\",\"action\":\"-minus\",\"director\":\"golden-dir\",\"target\":\"line1\\r\\nline2\",\"request\":\"@at\",\"ok\":true,\"result\":null,\"before\":null,\"after\":null},\n{\"id\":1003,\"time\":1735732802500,\"user\":\"operator\",\"action\":\"drain.start\",\"director\":\"golden-dir\",\"target\":null,\"request\":null,\"ok\":null,\"result\":null,\"before\":null,\"after\":null},\n{\"id\":1002,\"time\":1735732801000,\"user\":\"ünïcode ☃\",\"action\":\"dest.update\",\"director\":\"golden-dir\",\"target\":\"=HYPERLINK(\\\"http://x\\\")\",\"request\":{\"weight\":0},\"ok\":false,\"result\":{\"error\":{\"code\":\"kernel_error\",\"message\":\"No such file, or directory\"}},\"before\":{\"weight\":5},\"after\":null},\n{\"id\":1001,\"time\":1735732800000,\"user\":\"admin\",\"action\":\"service.create\",\"director\":\"golden-dir\",\"target\":\"tcp:10.0.0.1:80\",\"request\":{\"key\":{\"protocol\":\"tcp\",\"address\":\"10.0.0.1\",\"port\":80},\"note\":\"a, \\\"quoted\\\"\\nline\"},\"ok\":true,\"result\":{\"ok\":true},\"before\":null,\"after\":{\"services\":[]}}\n]\n",
  csvAction: "id,time,user,action,director,target,ok,request,result,before,after\r\n1005,2025-01-01T12:00:04.000Z,admin,drain.start,golden-dir,tab\there,ok,\"{\"\"deep\"\":{\"\"a\"\":[1,2,{\"\"b\"\":null}]},\"\"unicode\"\":\"\"☃ ☃\"\"}\",\"{\"\"count\"\":3}\",,\r\n1003,2025-01-01T12:00:02.500Z,operator,drain.start,golden-dir,,running,,,,\r\n",
  jsonEmpty: "[\n]\n",
  csvEmpty: "id,time,user,action,director,target,ok,request,result,before,after\r\n",
  jsonBefore: "[\n{\"id\":1003,\"time\":1735732802500,\"user\":\"operator\",\"action\":\"drain.start\",\"director\":\"golden-dir\",\"target\":null,\"request\":null,\"ok\":null,\"result\":null,\"before\":null,\"after\":null},\n{\"id\":1002,\"time\":1735732801000,\"user\":\"ünïcode ☃\",\"action\":\"dest.update\",\"director\":\"golden-dir\",\"target\":\"=HYPERLINK(\\\"http://x\\\")\",\"request\":{\"weight\":0},\"ok\":false,\"result\":{\"error\":{\"code\":\"kernel_error\",\"message\":\"No such file, or directory\"}},\"before\":{\"weight\":5},\"after\":null},\n{\"id\":1001,\"time\":1735732800000,\"user\":\"admin\",\"action\":\"service.create\",\"director\":\"golden-dir\",\"target\":\"tcp:10.0.0.1:80\",\"request\":{\"key\":{\"protocol\":\"tcp\",\"address\":\"10.0.0.1\",\"port\":80},\"note\":\"a, \\\"quoted\\\"\\nline\"},\"ok\":true,\"result\":{\"ok\":true},\"before\":null,\"after\":{\"services\":[]}}\n]\n",
};

const QUERIES: Record<string, string> = {
  csv: "format=csv&director=golden-dir",
  json: "format=json&director=golden-dir",
  csvAction: "format=csv&director=golden-dir&action=drain.start",
  jsonEmpty: "format=json&director=nobody",
  csvEmpty: "format=csv&director=nobody",
  jsonBefore: "format=json&director=golden-dir&before=1004",
};

async function withGoldenRows(): Promise<TestServer> {
  const server = await startServer();
  const ins = server.app.db.prepare(
    "INSERT INTO audit (id, time, user, action, director, target, request, ok, result, before_state, after_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  ROWS.forEach((r, i) => {
    ins.run(1001 + i, ...r);
  });
  return server;
}

describe("audit export, streamed", () => {
  it("is byte-identical to the one-pass export for every format and filter", async () => {
    s = await withGoldenRows();
    for (const [name, q] of Object.entries(QUERIES)) {
      const res = await s.fetch(`/api/audit/export?${q}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-disposition"), name).toMatch(/^attachment; filename="lvs-fleet-audit-[0-9T-]+\.(csv|json)"$/);
      expect(await res.text(), name).toBe(GOLDEN[name]);
    }
  });

  it("pages of one or two rows join into the same bytes (no row lost or doubled at a page boundary)", async () => {
    s = await withGoldenRows();
    const log = s.app.audit as AuditLog;
    const real = log.pages.bind(log);
    for (const size of [1, 2]) {
      log.pages = (q, _size) => real(q, size);
      for (const name of ["csv", "json", "jsonBefore"]) {
        expect(await (await s.fetch(`/api/audit/export?${QUERIES[name]}`)).text(), `${name} in pages of ${size}`).toBe(GOLDEN[name]);
      }
    }
    // and the pages themselves: newest first, each id once
    const ids = [...real({ director: "golden-dir" }, 2)].map((p) => p.map((e) => e.id));
    expect(ids).toEqual([[1005, 1004], [1003, 1002], [1001]]);
  });

  it("a store error part way cuts the response (never a complete-looking file); a client that goes away stops the reading", async () => {
    s = await withGoldenRows();
    const log = s.app.audit as AuditLog;
    const real = log.pages.bind(log);
    log.pages = function* (q) {
      const it = real(q, 2);
      yield it.next().value as never;
      throw new Error("SQLITE_IOERR: disk I/O error");
    };
    const res = await s.fetch(`/api/audit/export?${QUERIES.json}`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
    // a client that stops after the headers: no page is read once it is gone
    let read = 0;
    let released = false;
    log.pages = function* (q) {
      try {
        for (const p of real(q, 1)) {
          read++;
          yield p;
        }
      } finally {
        // the export let go of its pages (returned), rather than waiting forever on a 'drain'
        released = true;
      }
    };
    const pad = "y".repeat(20_000);
    const ins = s.app.db.prepare("INSERT INTO audit (time, user, action, director, target, request, ok) VALUES (?, 'u', 'bulk', 'gone-dir', null, ?, 1)");
    for (let i = 0; i < 2000; i++) ins.run(1_735_732_900_000 + i, JSON.stringify({ pad }));
    const ctl = new AbortController();
    const gone = await s.fetch("/api/audit/export?format=json&director=gone-dir", { signal: ctl.signal });
    expect(gone.status).toBe(200);
    ctl.abort();
    await new Promise((r) => setTimeout(r, 500));
    const after = read;
    await new Promise((r) => setTimeout(r, 500));
    expect(read).toBe(after);
    expect(read).toBeLessThan(2000);
    expect(released).toBe(true);
  });
});
