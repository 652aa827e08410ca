// Tools for fuzzing the server's REST routes: an in-process dispatcher that hands a request
// straight to the server's HTTP request listener (router, guard, handlers, body limits: all
// but Node's HTTP parser, so 10,000 cases per route stay fast), and arbitraries of bad input:
// random JSON, wrong types, huge and deeply nested payloads, invalid addresses, ports,
// schedulers, URL segments.
import { EventEmitter } from "node:events";
import type { IncomingMessage, Server } from "node:http";
import { Readable } from "node:stream";
import fc from "fast-check";

export interface FuzzRequest {
  method: string;
  /** path and query, already encoded */
  path: string;
  /** raw body text (JSON or not); undefined = no body */
  body?: string;
  headers?: Record<string, string>;
}

export interface FuzzAnswer {
  status: number;
  text: string;
  /** the server gave up on the response (destroyed it) */
  destroyed: boolean;
}

/** Enough of ServerResponse for the server: headers, body, and "finish" (request metrics). */
class FakeResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  destroyed = false;
  readonly headers = new Map<string, unknown>();
  readonly chunks: Buffer[] = [];
  readonly done: Promise<void>;
  #resolve!: () => void;
  constructor() {
    super();
    this.done = new Promise((r) => {
      this.#resolve = r;
    });
  }
  setHeader(k: string, v: unknown): this {
    this.headers.set(k.toLowerCase(), v);
    return this;
  }
  appendHeader(k: string, v: unknown): this {
    const old = this.headers.get(k.toLowerCase());
    this.headers.set(k.toLowerCase(), old === undefined ? v : ([] as unknown[]).concat(old, v));
    return this;
  }
  getHeader(k: string): unknown {
    return this.headers.get(k.toLowerCase());
  }
  writeHead(status: number, headers?: Record<string, unknown>): this {
    this.statusCode = status;
    for (const [k, v] of Object.entries(headers ?? {})) this.setHeader(k, v);
    this.headersSent = true;
    return this;
  }
  write(chunk: string | Buffer): boolean {
    this.headersSent = true;
    this.chunks.push(Buffer.from(chunk));
    return true;
  }
  end(chunk?: string | Buffer): this {
    if (chunk !== undefined) this.write(chunk);
    this.headersSent = true;
    this.#resolve();
    this.emit("finish");
    return this;
  }
  destroy(): this {
    this.destroyed = true;
    this.#resolve();
    return this;
  }
}

/** Sends one request through `http`'s request listener without a socket. */
export async function dispatch(http: Server, r: FuzzRequest, timeoutMs = 10_000): Promise<FuzzAnswer> {
  const body = r.body === undefined ? undefined : Buffer.from(r.body);
  const req = new Readable({ read() {} });
  const headers: Record<string, string> = { host: "127.0.0.1" };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  if (body) headers["content-length"] ??= String(body.length);
  Object.assign(req, { method: r.method, url: r.path, headers, httpVersion: "1.1", socket: { remoteAddress: "127.0.0.1", encrypted: false } });
  if (body) req.push(body);
  req.push(null);
  const res = new FakeResponse();
  http.emit("request", req as unknown as IncomingMessage, res);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => {
    timer = setTimeout(() => r("timeout"), timeoutMs);
  });
  const out = await Promise.race([res.done, timeout]);
  clearTimeout(timer);
  if (out === "timeout") throw new Error(`no answer within ${timeoutMs} ms to ${r.method} ${r.path}`);
  return { status: res.statusCode, text: Buffer.concat(res.chunks).toString("utf8"), destroyed: res.destroyed };
}

// ---- bad values ---------------------------------------------------------------------------

/** Deeply nested arrays/objects as JSON text (a parser or validator that recurses could die). */
export const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, obj]) => (obj ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}` : `${"[".repeat(depth)}1${"]".repeat(depth)}`));

/** Bodies over the 1 MiB limit (built once: generating megabytes per case is slow). */
const HUGE = ["x".repeat(1024 * 1024 + 1), JSON.stringify({ key: "a".repeat(1100 * 1024) }), JSON.stringify(Array.from({ length: 200_000 }, (_, i) => i))];
export const hugeJson = fc.constantFrom(...HUGE);

export const badAddress = fc.oneof(
  fc.constantFrom("", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "::g", "2001:db8::1::2", "fe80::1%eth0", "10.0.0.1/24", " 10.0.0.1", "localhost", "[::1]", "0x0a000001", "1e3", "١.٢.٣.٤"),
  fc.string({ maxLength: 40 }).filter((s) => !/^[0-9.:a-fA-F]+$/.test(s)),
  fc.integer(),
);
export const badPort = fc.oneof(
  fc.constantFrom(-1, 65536, 1e9, 0.5, -0, Number.MAX_SAFE_INTEGER + 2, "80", "", true, null, [80], { port: 80 }),
  fc.integer({ min: 65536 }),
  fc.integer({ max: -1 }),
  fc.double({ noInteger: true }),
);
export const badScheduler = fc.oneof(
  fc.constantFrom("", "RR", "rr ", "round-robin", "wlc\u0000", "lc;rm -rf /", "x".repeat(300), 1, null, ["rr"]),
  fc.string({ maxLength: 20 }).filter((s) => !/^(rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh|twos)$/.test(s)),
);
/** Any JSON value of the wrong kind for `like` (never a value of the same JSON type). */
export function wrongType(like: unknown): fc.Arbitrary<unknown> {
  const all = {
    string: fc.string({ maxLength: 30 }),
    number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    boolean: fc.boolean(),
    null: fc.constant(null),
    array: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
    object: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  };
  const kind = like === null ? "null" : Array.isArray(like) ? "array" : (typeof like as keyof typeof all);
  return fc.oneof(...Object.entries(all).filter(([k]) => k !== kind).map(([, a]) => a as fc.Arbitrary<unknown>));
}

/** Every path (of object keys and array indexes) to a leaf or sub-object of `v`. */
function pathsOf(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== "object") return [prefix];
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...prefix, Array.isArray(v) ? Number(k) : k]));
  return out;
}

function setAt(v: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[path.at(-1)!] = value;
  return copy;
}

/**
 * A valid body with one field broken: a value of the wrong JSON type, `special(path)` (bad
 * addresses, ports, schedulers for the fields that hold them), a required field left out, or
 * (strict schemas) an unknown extra field. Every case is invalid as long as `special` only
 * yields invalid values.
 */
export function brokenBody(
  template: Record<string, unknown>,
  opts: { special?: (path: string) => fc.Arbitrary<unknown> | null; required?: string[]; strict?: boolean } = {},
): fc.Arbitrary<unknown> {
  const paths = pathsOf(template).filter((p) => p.length > 0);
  const broken = fc.constantFrom(...paths).chain((p) => {
    const cur = p.reduce<unknown>((o, k) => (o as Record<string | number, unknown>)[k], template);
    const sp = opts.special?.(p.join(".")) ?? null;
    return (sp ? fc.oneof(wrongType(cur), sp) : wrongType(cur)).map((bad) => setAt(template, p, bad));
  });
  const kinds: fc.Arbitrary<unknown>[] = [broken, wrongType(template)];
  if (opts.required?.length) {
    kinds.push(
      fc.constantFrom(...opts.required).map((k) => {
        const { [k]: _gone, ...rest } = template;
        return rest;
      }),
    );
  }
  if (opts.strict) kinds.push(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !(k in template)).map((k) => ({ ...template, [k]: 1 })));
  return fc.oneof(...kinds);
}

/** Raw body text: random JSON, non-JSON, deep nesting, huge payloads, or a given body. */
export function bodyText(specific: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 8, arbitrary: specific.map((v) => JSON.stringify(v)) },
    { weight: 3, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
    { weight: 1, arbitrary: deepJson },
    { weight: 1, arbitrary: hugeJson },
  );
}

/** "." and ".." segments (also as %2e) are resolved by URL parsing before routing, as every
 * HTTP client does: /a/b/.. IS /a, a different route, not a bad key. */
const dotSegment = (s: string) => /^(\.|%2e){1,2}$/i.test(s);

/** A URL path segment that names nothing real: random text, bad percent-encoding. */
export const badSegment = fc.oneof(
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent).filter((s) => !dotSegment(s)),
  fc.constantFrom("%", "%E0%A4%A", "%00", "%2F..%2F", "a%2Fb", "x".repeat(2000), "tcp:1.2.3.4:99999", "udp:[1.2.3.4]:53", "fwmark:ipv4:0", "fwmark:ipv9:1", "tcp:10.0.0.1:-1"),
);
