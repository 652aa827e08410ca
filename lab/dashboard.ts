// Runs the dashboard (server/main.ts) as a child process against lab directors: used by
// `npm run demo`, the browser tests and the server benchmark. Builds the Next.js app first
// when the production build is missing or older than its sources.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./paths.ts";
import { freePorts } from "./ports.ts";
import { stopProcessGroup } from "./process-group.ts";
import type { LabState } from "./state.ts";

/** next.config.ts reads NEXT_DIST_DIR too; the server process inherits it. */
const BUILD_ID = join(REPO_ROOT, process.env.NEXT_DIST_DIR ?? ".next", "BUILD_ID");
const BUILD_INPUTS = ["app", "components", "protocol", "next.config.ts", "postcss.config.mjs", "package-lock.json"];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** True when `next build` must run: no build, or a source newer than the build. */
export function buildIsStale(): boolean {
  if (!existsSync(BUILD_ID)) return true;
  const built = statSync(BUILD_ID).mtimeMs;
  return BUILD_INPUTS.some((p) => newestMtime(join(REPO_ROOT, p)) > built);
}

export function ensureBuilt(log: (l: string) => void): void {
  if (!buildIsStale()) return;
  log("dashboard: building the web app (next build)...");
  const r = spawnSync("npx", ["next", "build"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
}

export interface DashboardDirector {
  name: string;
  url: string;
  token: string;
  group?: string;
  role?: "director" | "realserver";
  addresses?: string[];
}

/** The lab's agents as the dashboard registers them: directors in `group`, and the
 * realserver-role agents with the real-server address they answer for. */
export function labDirectorsForDashboard(s: LabState, group: string): DashboardDirector[] {
  return s.directors.flatMap((d) => [
    { name: d.name, url: d.agentUrl, token: d.agentToken, group },
    ...(d.realServerAgent
      ? [{ name: d.realServerAgent.name, url: d.realServerAgent.url, token: d.realServerAgent.token, role: "realserver" as const, addresses: [d.realServerAgent.address] }]
      : []),
  ]);
}

export interface Dashboard {
  url: string;
  /** the first admin, created at the server's first start (LVS_FLEET_ADMIN_PASSWORD_FILE) */
  admin: { username: string; password: string };
  port: number;
  dataDir: string;
  proc: ChildProcess;
  /** everything the server printed, for failure messages */
  output(): string;
  stop(): Promise<void>;
}

export interface StartDashboardOptions {
  directors: DashboardDirector[];
  dataDir: string;
  port?: number;
  /** extra environment for the server process */
  env?: Record<string, string>;
  /** extra server flags (--prometheus URL, --metrics-token-file F) */
  args?: string[];
  startTimeoutMs?: number;
}

/** The admin's password for this data folder: made up once, kept in the folder (0600). */
function adminPassword(dataDir: string): string {
  const file = join(dataDir, "admin-password");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const password = randomBytes(12).toString("base64url");
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** Starts the server with a config file naming the directors; resolves once /api answers.
 * The data folder's first start creates the admin (`admin`, password in DATA/admin-password). */
export async function startDashboard(o: StartDashboardOptions): Promise<Dashboard> {
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  const admin = { username: "admin", password: adminPassword(o.dataDir) };
  const config = join(o.dataDir, "fleet.json");
  writeFileSync(config, JSON.stringify({ directors: o.directors }, null, 2), { mode: 0o600 });
  const port = o.port ?? (await freePorts(1))[0]!;
  const proc = spawn(
    "npx",
    ["tsx", join(REPO_ROOT, "server", "main.ts"), "--host", "127.0.0.1", "--port", String(port), "--data", o.dataDir, "--config", config, ...(o.args ?? [])],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, LVS_FLEET_ADMIN_USERNAME: admin.username, LVS_FLEET_ADMIN_PASSWORD_FILE: join(o.dataDir, "admin-password"), ...o.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  let out = "";
  proc.stdout?.on("data", (b) => (out += String(b)));
  proc.stderr?.on("data", (b) => (out += String(b)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (o.startTimeoutMs ?? 60_000);
  const stop = () => stopProcessGroup(proc);
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the dashboard server exited (${proc.exitCode}):\n${out}`);
    try {
      const r = await fetch(`${url}/api/auth/session`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the dashboard server did not answer on ${url} in time:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, admin, port, dataDir: o.dataDir, proc, output: () => out, stop };
}

/** Signs in as the dashboard's admin over REST: the Cookie header and the X-CSRF-Token value
 * to send (mutations need both; a WebSocket to /api/live needs the cookie). */
export interface DashboardCredentials {
  cookie: string;
  csrf: string;
}

export type SessionApi = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

/** JSON requests to the dashboard's REST API as a signed-in user. `target` is read on each call,
 * so a test may sign in again or restart its server between calls. */
export function sessionApi(target: () => { url: string; session: DashboardCredentials }): SessionApi {
  return async <T>(method: string, path: string, body?: unknown) => {
    const { url, session } = target();
    const json: Record<string, string> = body === undefined ? {} : { "content-type": "application/json" };
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { cookie: session.cookie, "x-csrf-token": session.csrf, ...json },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
}

export async function dashboardLogin(d: Pick<Dashboard, "url" | "admin">): Promise<DashboardCredentials> {
  const r = await fetch(`${d.url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(d.admin),
  });
  if (!r.ok) throw new Error(`signing in to the dashboard as ${d.admin.username}: HTTP ${r.status} ${await r.text()}`);
  const cookie = r.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
  const { csrfToken } = (await r.json()) as { csrfToken: string };
  return { cookie, csrf: csrfToken };
}
