// The REST fuzz (test/unit/server-fuzz-rest.test.ts: the same cases) with fewer cases per
// route (300; LVS_FUZZ_RUNS) over real HTTP, against dir1's real agent and kernel: never a 5xx,
// every mutation case an error, and `ipvsadm -S -n` identical before and after.
import { request as httpRequest } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dashboardLogin } from "@/lab/dashboard.ts";
import { ApiError } from "@/protocol/dashboard/index.ts";
import { type RunningServer, createServer } from "@/server/http/server.ts";
import type { FuzzRequest } from "../unit/server-fuzz-kit.ts";
import { DEST, SVC, SVC_KEY, routeFuzz } from "../unit/server-fuzz-routes.ts";
import { director, ipvsadm } from "./lab.ts";

const RUNS = Number(process.env.LVS_FUZZ_RUNS ?? 300);
const d = director(1);
const ADMIN = { username: "admin", password: "fuzz-admin-password" };
let server: RunningServer;
let dataDir: string;
let session = { cookie: "", csrf: "" };
let saved: string;

/** One request on its own connection (no keep-alive races between routes). */
function send(r: FuzzRequest): Promise<{ status: number; text: string }> {
  const u = new URL(server.url);
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  const headers: Record<string, string | number> = { cookie: session.cookie, "x-csrf-token": session.csrf, ...r.headers };
  if (body) Object.assign(headers, { "content-type": "application/json", "content-length": body.length });
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    // the server may answer 413 and close before a huge body is all sent
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? resolve({ status: 413, text: '{"error":{"code":"too_large","message":"(connection closed while sending)"}}' }) : reject(e)));
    req.end(body);
  });
}

async function api(method: string, path: string, body?: unknown) {
  const a = await send({ method, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: a.status, body: JSON.parse(a.text || "null") as unknown };
}

async function cleanup(): Promise<void> {
  if ((await ipvsadm(d.name, "-S", "-n")).includes("10.9.0.1:80")) await ipvsadm(d.name, "-D", "-t", "10.9.0.1:80");
}

describe(`REST fuzz against a real agent (${RUNS} cases per route)`, () => {
  beforeAll(async () => {
    await cleanup();
    dataDir = mkdtempSync(join(tmpdir(), "server-fuzz-lab-"));
    server = await createServer({ port: 0, dataDir, auth: { initialAdmin: ADMIN }, link: { heartbeatMs: 5000 } });
    session = await dashboardLogin({ url: server.url, admin: ADMIN });
    // the fixture the cases name: director "d1" (dir1's agent), SVC with DEST
    expect((await api("POST", "/api/directors", { name: "d1", url: d.agentUrl, token: d.agentToken })).status).toBe(201);
    const deadline = Date.now() + 30_000;
    while (!server.app.fleet.get("d1").online && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await api("POST", "/api/directors/d1/services", SVC)).status).toBe(201);
    expect((await api("POST", `/api/directors/d1/services/${encodeURIComponent(SVC_KEY)}/destinations`, DEST)).status).toBe(201);
    saved = await ipvsadm(d.name, "-S", "-n");
    expect(saved).toContain("-a -t 10.9.0.1:80 -r 10.0.0.11:80 -g -w 5");
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await cleanup();
  }, 60_000);

  for (const [route, f] of Object.entries(routeFuzz())) {
    it(route, async () => {
      await fc.assert(
        fc.asyncProperty(f.cases, async (r) => {
          const a = await send(r);
          const what = `${r.method} ${r.path} ${r.body?.slice(0, 200)}: ${a.status} ${a.text.slice(0, 300)}`;
          expect(a.status, what).toBeLessThan(500);
          const report = a.status < 300 && f.errorReport?.(JSON.parse(a.text)) === true;
          if (f.expect === "error" && !report) expect(a.status, what).toBeGreaterThanOrEqual(400);
          if (a.status >= 400) ApiError.parse(JSON.parse(a.text));
        }),
        { numRuns: RUNS },
      );
      expect(await ipvsadm(d.name, "-S", "-n")).toBe(saved);
    }, 600_000);
  }
});
