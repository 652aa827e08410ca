// Prometheus's HTTP API (GET /api/v1/query_range) as a history source for the dashboard's
// charts: ranges beyond what the SQLite store holds (server/history/source.ts decides). Every
// reply is validated (zod) before a number of it is used, every request has a deadline, and
// each failure says what failed: unreachable, timed out, an HTTP error, a refused query, or a
// reply that is not a query_range matrix.
import { z } from "zod";

export class PrometheusError extends Error {
  override name = "PrometheusError";
}

const ApiError = z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() });
const Sample = z.tuple([z.number().finite(), z.string()]);
const MatrixReply = z.object({
  status: z.literal("success"),
  data: z.object({
    resultType: z.literal("matrix"),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(Sample) })),
  }),
  warnings: z.array(z.string()).optional(),
});
export type MatrixSeries = z.infer<typeof MatrixReply>["data"]["result"][number];

/** A reply larger than this is refused rather than parsed (a runaway query, or not Prometheus). */
const MAX_REPLY_BYTES = 64 * 1024 * 1024;

export interface PrometheusOptions {
  /** the server's --prometheus URL: http(s)://host:port[/prefix] */
  url: string;
  /** deadline of one history request's queries together (default 10 s) */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** --prometheus's value: an http(s) URL without credentials, query or fragment. */
export function parsePrometheusUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PrometheusError(`--prometheus ${raw}: not a URL`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new PrometheusError(`--prometheus ${raw}: http:// or https:// only`);
  if (u.username || u.password || u.search || u.hash) throw new PrometheusError(`--prometheus ${raw}: no credentials, query or fragment in the URL`);
  return u.href.replace(/\/+$/, "");
}

export class PrometheusClient {
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(opts: PrometheusOptions) {
    this.url = parsePrometheusUrl(opts.url);
    this.#timeoutMs = opts.timeoutMs ?? 10_000;
    this.#fetch = opts.fetch ?? fetch;
  }

  /** A deadline shared by the queries of one chart load. */
  deadline(): AbortSignal {
    return AbortSignal.timeout(this.#timeoutMs);
  }

  /** query_range over [start, end] (seconds) at `step` seconds. */
  async queryRange(query: string, start: number, end: number, step: number, signal: AbortSignal): Promise<MatrixSeries[]> {
    const body = new URLSearchParams({ query, start: String(start), end: String(end), step: String(step) });
    const where = `Prometheus at ${this.url}`;
    let res: Response;
    try {
      res = await this.#fetch(`${this.url}/api/v1/query_range`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body,
        signal,
        redirect: "error",
      });
    } catch (err) {
      throw this.#transportError(where, err, signal);
    }
    let text: string;
    try {
      text = await readCapped(res, MAX_REPLY_BYTES);
    } catch (err) {
      throw err instanceof PrometheusError ? new PrometheusError(`${where}: ${err.message}`) : this.#transportError(where, err, signal);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new PrometheusError(`${where} answered HTTP ${res.status} with a body that is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
    }
    const refused = ApiError.safeParse(json);
    if (refused.success) throw new PrometheusError(`${where} refused the query (HTTP ${res.status}, ${refused.data.errorType}): ${refused.data.error}`);
    if (!res.ok) throw new PrometheusError(`${where} answered HTTP ${res.status}`);
    const ok = MatrixReply.safeParse(json);
    if (!ok.success) {
      const issue = ok.error.issues[0];
      throw new PrometheusError(`${where} answered something that is not a query_range matrix (${issue?.path.join(".") || "reply"}: ${issue?.message})`);
    }
    return ok.data.data.result;
  }

  #transportError(where: string, err: unknown, signal: AbortSignal): PrometheusError {
    if (signal.aborted) return new PrometheusError(`${where} did not answer within ${this.#timeoutMs / 1000} s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    return new PrometheusError(`${where} is unreachable (${why})`);
  }
}

async function readCapped(res: Response, max: number): Promise<string> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) throw new PrometheusError(`the reply is ${declared} bytes, more than ${max}`);
  if (!res.body) return "";
  const chunks: Uint8Array[] = [];
  let n = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.byteLength;
    if (n > max) {
      await reader.cancel();
      throw new PrometheusError(`the reply is more than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** A sample's value: Prometheus writes floats as strings ("NaN", "+Inf" included); null unless finite. */
export function sampleValue(s: string): number | null {
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}
