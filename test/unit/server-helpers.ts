// Helpers for the server tests: real agents (startHarness over FakeIpvs) and the whole
// dashboard server in-process on port 0 (no Next), a REST client and a live WebSocket peer.
// Every server starts with an admin (ADMIN) and `api`/`fetch` are signed in as that admin
// (session cookie + X-CSRF-Token); `client(role)` creates and signs in a user of another role,
// `anonymous` sends no cookie.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { type RunningServer, type ServerOptions, createServer } from "@/server/http/server.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";

export { TOKEN };

export const ADMIN = { username: "admin", password: "admin-password-1" };

export interface ApiAnswer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** A signed-in (or anonymous) REST client of a test server. */
export interface Client {
  /** "lvs_session=...; lvs_csrf=..." (empty for anonymous) */
  cookie: string;
  csrf: string;
  api<T = unknown>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  /** fetch with the session cookie and the CSRF header */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export interface TestServer extends RunningServer, Client {
  dataDir: string;
  anonymous: Client;
  /** signs in (creating the user with that role first if needed) */
  client(role: "viewer" | "operator" | "admin", username?: string): Promise<Client>;
  login(username: string, password: string): Promise<Client>;
}

const cookiesByUrl = new Map<string, string>();

function clientOf(base: string, cookie: string, csrf: string): Client {
  const doFetch = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set("cookie", cookie);
    if (csrf && !headers.has("x-csrf-token")) headers.set("x-csrf-token", csrf);
    return fetch(`${base}${path}`, { ...init, headers });
  };
  return {
    cookie,
    csrf,
    fetch: doFetch,
    async api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
      const res = await doFetch(path, {
        method,
        headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // text/plain answers stay text
      }
      return { status: res.status, body: parsed as T, headers: res.headers };
    },
  };
}

/** Signs in over the REST API; throws with the server's answer when that fails. */
export async function login(base: string, username: string, password: string): Promise<Client> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login as ${username}: HTTP ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .join("; ");
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return clientOf(base, cookie, csrfToken);
}

/** Fast timings so that tests do not wait on 1 s ticks. */
export const FAST = {
  link: { heartbeatMs: 300, statsIntervalMs: 200, relistMs: 2_000, reconnect: { initialDelayMs: 100, maxDelayMs: 400 } },
  live: { tickMs: 100 },
};

export async function startServer(opts: Partial<ServerOptions> & { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "lvs-fleet-test-"));
  const auth = { initialAdmin: ADMIN, ...opts.auth };
  const s = await createServer({ ...FAST, port: 0, ...opts, auth, dataDir });
  // `auth: { initialAdmin: undefined }` starts a server without users (first-run tests)
  const admin = auth.initialAdmin ? await login(s.url, auth.initialAdmin.username, auth.initialAdmin.password) : clientOf(s.url, "", "");
  cookiesByUrl.set(s.url, admin.cookie);
  const signIn = (username: string, password: string) => login(s.url, username, password);
  return {
    ...s,
    ...admin,
    app: s.app,
    dataDir,
    anonymous: clientOf(s.url, "", ""),
    login: signIn,
    async client(role, username = `${role}-user`) {
      const password = `${username}-password`;
      if (!s.app.auth.users.byName(username)) {
        const r = await admin.api("POST", "/api/users", { username, password, role });
        if (r.status !== 201) throw new Error(`creating ${username}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      }
      return signIn(username, password);
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  rmSync(`${dir}.key`, { force: true }); // the secret key file beside it (server/store/secrets.ts)
}

/** Fresh data folders for one test file (named PREFIX...), all removed by `removeAll()` in its afterEach. */
export function tempDirs(prefix: string): { make(): string; removeAll(): void } {
  const made: string[] = [];
  return {
    make() {
      const d = mkdtempSync(join(tmpdir(), prefix));
      made.push(d);
      return d;
    },
    removeAll() {
      for (const d of made.splice(0)) removeDir(d);
    },
  };
}

/** The server tests' teardown: close the server, remove its data dir, then close the agents. */
export async function closeTestServer(s: TestServer | undefined, harnesses: readonly Harness[]): Promise<void> {
  await s?.close();
  if (s) removeDir(s.dataDir);
  for (const h of harnesses) await h.close();
}

/** Polls until `check` returns a truthy value or the time is up. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = "condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function agents(n: number): Promise<Harness[]> {
  return Promise.all(Array.from({ length: n }, () => startHarness()));
}

export function registration(h: Harness, name: string, extra: Record<string, unknown> = {}) {
  return { name, url: h.server.url, token: TOKEN, ...extra };
}

/** A browser-like live socket that collects every message. */
export class LivePeer {
  readonly messages: Record<string, unknown>[] = [];
  #waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      this.messages.push(JSON.parse(String(d)) as Record<string, unknown>);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** Opens /api/live signed in as the server's admin (or with the given cookie), offering
   * `protocols` as subprotocols (the page offers its live version, "lvs-live.v1"). */
  static open(url: string, cookie = cookiesByUrl.get(url) ?? "", protocols: string[] = []): Promise<LivePeer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/live`, protocols, { headers: cookie ? { cookie } : {} });
      ws.once("open", () => resolve(new LivePeer(ws)));
      ws.once("error", reject);
    });
  }

  send(m: unknown): void {
    this.ws.send(typeof m === "string" ? m : JSON.stringify(m));
  }

  /** Waits for the first message (from index `from`) matching `pred`. */
  async next(pred: (m: Record<string, unknown>) => boolean, from = 0, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.slice(from).find(pred);
      if (m) return m;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("no matching live message");
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): void {
    this.ws.terminate();
  }
}
