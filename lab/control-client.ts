// Host-side client of a guest's control daemon (guest/control.ts) over the forwarded port.
import { request } from "node:http";

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export class ControlClient {
  constructor(
    readonly port: number,
    private readonly token: string,
  ) {}

  call<T>(method: "GET" | "POST", path: string, payload?: unknown, timeoutMs = 150_000): Promise<T> {
    const data = payload === undefined ? "" : JSON.stringify(payload);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          method,
          path,
          headers: { "x-lab-token": this.token, "content-type": "application/json", "content-length": Buffer.byteLength(data) },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            if (res.statusCode !== 200) return reject(new Error(`lab control ${path}: HTTP ${res.statusCode} ${text}`));
            try {
              resolve(JSON.parse(text) as T);
            } catch (e) {
              reject(e);
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`lab control ${path}: no answer in ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(data);
    });
  }

  health(timeoutMs = 2000): Promise<{ ok: boolean; uptime: number }> {
    return this.call("GET", "/health", undefined, timeoutMs);
  }

  exec(netns: string | undefined, argv: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    const timeoutMs = opts.timeoutMs ?? 120_000;
    return this.call("POST", "/exec", { netns, argv, stdin: opts.stdin, timeoutMs }, timeoutMs + 10_000);
  }

  spawn(name: string, netns: string | undefined, argv: string[]): Promise<{ pid: number }> {
    return this.call("POST", "/spawn", { name, netns, argv });
  }

  stop(name: string): Promise<{ stopped: boolean }> {
    return this.call("POST", "/stop", { name });
  }

  procs(): Promise<Array<{ name: string; pid: number; netns?: string; alive: boolean; exitCode?: number | null }>> {
    return this.call("GET", "/procs");
  }

  proxy(listenPort: number, host: string, port: number): Promise<unknown> {
    return this.call("POST", "/proxy", { listenPort, host, port });
  }

  poweroff(reboot = false): Promise<unknown> {
    return this.call("POST", "/poweroff", { reboot });
  }
}
