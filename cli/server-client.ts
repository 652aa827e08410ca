// The dashboard's REST API as lvsctl --server uses it: JSON over http(s) with the personal API
// token as `Authorization: Bearer`. An error answer becomes the ProtocolError the server sent
// (its code, message and details), so the 409 of a stale version reads as the dashboard's.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { ErrorCodeSchema, ProtocolError } from "@/protocol/errors.ts";

export interface ServerClientOptions {
  url: string;
  token: string;
  /** PEM of the CA that signed the dashboard's certificate (--ca), beside the system's */
  ca?: string;
  timeoutMs?: number;
}

export class ServerClient {
  readonly #base: URL;
  readonly #opts: ServerClientOptions;

  constructor(opts: ServerClientOptions) {
    this.#base = new URL(opts.url);
    this.#opts = opts;
  }

  get origin(): string {
    return this.#base.origin;
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  /** Sends a JSON body (absent: none); returns the parsed JSON answer. */
  call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, this.#base);
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<T>((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${this.#opts.token}`,
            accept: "application/json",
            ...(data ? { "content-type": "application/json", "content-length": String(data.length) } : {}),
            ...headers,
          },
          ...(this.#opts.ca ? { ca: this.#opts.ca } : {}),
          timeout: this.#opts.timeoutMs ?? 330_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => reject(new ProtocolError("unavailable", `${this.origin}: ${e.message}`)));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = text === "" ? null : JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300 && parsed !== undefined) return resolve(parsed as T);
            reject(errorOf(status, parsed, text));
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error("no answer in time")));
      req.on("error", (e) => reject(new ProtocolError("unavailable", `cannot reach the dashboard at ${this.origin}: ${e.message}`)));
      req.end(data);
    });
  }
}

function errorOf(status: number, parsed: unknown, text: string): ProtocolError {
  const e = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = ErrorCodeSchema.safeParse(e?.code);
  if (e && code.success && typeof e.message === "string") return new ProtocolError(code.data, e.message, e.details);
  return new ProtocolError(status === 401 ? "unauthorized" : "internal", `HTTP ${status}: ${text.slice(0, 300) || "(no body)"}`);
}
