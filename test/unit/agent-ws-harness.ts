// Starts a real agent WebSocket server on 127.0.0.1:0 over a FakeIpvs, plus a raw ws helper
// that sends arbitrary text and collects replies (for malformed-input tests).
import WebSocket from "ws";
import { ipvsHandlers } from "@/agent/handlers/ipvs.ts";
import { HandlerRegistry } from "@/agent/handlers/registry.ts";
import { statsHandlers } from "@/agent/handlers/stats.ts";
import { type AgentServer, type AgentServerOptions, startAgentServer } from "@/agent/ws/server.ts";
import { AgentClient, type AgentClientOptions } from "@/protocol/node/agent-client.ts";
import { FakeIpvs } from "./agent-ws-fakes.ts";

export const TOKEN = "s3cret-token-for-tests";

export interface Harness {
  server: AgentServer;
  ipvs: FakeIpvs;
  registry: HandlerRegistry;
  client(opts?: Partial<AgentClientOptions>): Promise<AgentClient>;
  raw(token?: string | null): Promise<RawPeer>;
  close(): Promise<void>;
}

export async function startHarness(opts: Partial<AgentServerOptions> = {}): Promise<Harness> {
  const ipvs = new FakeIpvs();
  const registry = opts.registry ?? new HandlerRegistry().use(ipvsHandlers(ipvs)).use(statsHandlers(ipvs));
  const server = await startAgentServer({
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    role: "director",
    ...opts,
    registry,
  });
  const clients: AgentClient[] = [];
  const raws: RawPeer[] = [];
  return {
    server,
    ipvs,
    registry,
    async client(o = {}) {
      const c = new AgentClient({ url: server.url, token: TOKEN, heartbeatMs: 0, ...o });
      clients.push(c);
      await c.connect();
      return c;
    },
    async raw(token: string | null = TOKEN) {
      const p = await RawPeer.open(server.url, token);
      raws.push(p);
      return p;
    },
    async close() {
      for (const c of clients) c.close();
      for (const r of raws) r.ws.terminate();
      await server.close();
    },
  };
}

/** A bare ws connection: send any text, await the next reply. */
export class RawPeer {
  readonly queue: unknown[] = [];
  #waiters: ((m: unknown) => void)[] = [];
  closeCode: number | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d) => {
      const m = JSON.parse(String(d)) as unknown;
      const w = this.#waiters.shift();
      if (w) w(m);
      else this.queue.push(m);
    });
    ws.on("close", (code) => {
      this.closeCode = code;
    });
  }

  static open(url: string, token: string | null): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
      const ws = new WebSocket(url, { headers });
      ws.once("open", () => resolve(new RawPeer(ws)));
      ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once("error", reject);
    });
  }

  send(text: string | Buffer): void {
    this.ws.send(text);
  }

  next(timeoutMs = 5000): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued as Record<string, unknown>);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no reply")), timeoutMs);
      this.#waiters.push((m) => {
        clearTimeout(t);
        resolve(m as Record<string, unknown>);
      });
    });
  }

  /** Sends one message and returns the next reply that is not a subscription event. */
  async request(obj: unknown): Promise<Record<string, unknown>> {
    this.send(JSON.stringify(obj));
    for (;;) {
      const m = await this.next();
      if (m.type !== "event") return m;
    }
  }
}

export const SVC = { protocol: "tcp", address: "10.1.1.1", port: 80 } as const;
export function goodCreate(id = "good") {
  return { v: 1, id, type: "service.create", payload: { key: SVC, config: { scheduler: "rr" } } };
}
