// Helpers for the server tests: real agents (startHarness over FakeIpvs) and the whole
// dashboard server in-process on port 0 (no Next), a REST client and a live WebSocket peer.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { type RunningServer, type ServerOptions, createServer } from "../../server/http/server.ts";
import { type Harness, TOKEN, startHarness } from "./agent-ws-harness.ts";

export { TOKEN };

export interface TestServer extends RunningServer {
  dataDir: string;
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Fast timings so that tests do not wait on 1 s ticks. */
export const FAST = {
  link: { heartbeatMs: 300, statsIntervalMs: 200, relistMs: 2_000, reconnect: { initialDelayMs: 100, maxDelayMs: 400 } },
  live: { tickMs: 100 },
};

export async function startServer(opts: Partial<ServerOptions> & { dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "lvs-fleet-test-"));
  const s = await createServer({ ...FAST, port: 0, ...opts, dataDir });
  return {
    ...s,
    app: s.app,
    dataDir,
    async api<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${s.url}${path}`, {
        method,
        ...(body === undefined
          ? {}
          : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // text/plain answers stay text
      }
      return { status: res.status, body: parsed as T };
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
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

  static open(url: string): Promise<LivePeer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/live`);
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
