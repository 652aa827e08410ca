// A TCP connect without a net.Socket, for TCP_CHECK: node's internal tcp_wrap binding (a bare
// libuv handle: connect, the completion status, close). A net.Socket per check cost about 3x the
// CPU of this on the bench host (stream state, listeners, a timer each: docs/benchmarks.md
// section 8). process.binding is deprecated (DEP0111) and internal, so it stays in this file:
// loadTcpWrap checks the shape it needs, and any absence or throw makes the caller fall back to
// net.connect (check-net.ts). One shared deadline timer serves every pending connect.
import { isIP } from "node:net";
import { performance } from "node:perf_hooks";
import { getSystemErrorName } from "node:util";

interface TcpHandle {
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  close(): void;
}
interface ConnectReq {
  oncomplete: (status: number) => void;
}
export interface TcpWrap {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectReq;
  constants: { SOCKET: number };
}

/** The binding, or null when this node lacks it or refuses it (the caller then uses net.connect). */
export function loadTcpWrap(get: () => unknown = () => (process as unknown as { binding(n: string): unknown }).binding("tcp_wrap")): TcpWrap | null {
  try {
    const b = get() as Partial<TcpWrap> | undefined;
    const h = typeof b?.TCP === "function" && typeof b.TCPConnectWrap === "function" && typeof b.constants?.SOCKET === "number" ? new b.TCP(b.constants.SOCKET) : null;
    if (!h) return null;
    const usable = ["bind", "bind6", "connect", "connect6", "close"].every((m) => typeof (h as unknown as Record<string, unknown>)[m] === "function");
    h.close();
    return usable ? (b as TcpWrap) : null;
  } catch {
    return null;
  }
}

/** err null: connected; "timeout": no answer by the deadline; else the errno (code set). */
export type ConnectDone = (err: NodeJS.ErrnoException | null | "timeout") => void;

interface Pending {
  deadline: number;
  expire: () => void;
}
// Checks of one agent share one connect_timeout mostly, so deadlines arrive in order and the
// timer is re-armed once per expiry at most; at most maxConcurrent (64) are pending, a scan is cheap.
const pending = new Set<Pending>();
let timer: NodeJS.Timeout | null = null;
let armedFor = Infinity;

function arm(deadline: number): void {
  if (timer && armedFor <= deadline) return;
  if (timer) clearTimeout(timer);
  armedFor = deadline;
  // unref: a pending connect's own handle keeps the loop alive, the timer need not
  timer = setTimeout(sweep, Math.max(1, Math.ceil(deadline - performance.now()))).unref();
}

function sweep(): void {
  timer = null;
  armedFor = Infinity;
  const now = performance.now();
  let next = Infinity;
  for (const p of pending) {
    if (p.deadline <= now + 1) {
      pending.delete(p);
      p.expire();
    } else if (p.deadline < next) next = p.deadline;
  }
  if (next < Infinity) arm(next);
}

const errnoError = (status: number, what: string): NodeJS.ErrnoException => {
  let code: string;
  try {
    code = getSystemErrorName(status);
  } catch {
    code = `errno ${status}`;
  }
  return Object.assign(new Error(`${what} ${code}`), { code, errno: status });
};

/**
 * Starts one connect to an IP address; `done` is called exactly once. false: not started (no
 * binding, or a host name, which net.connect resolves), the caller falls back.
 */
export function fastConnect(wrap: TcpWrap | null, t: { address: string; port: number; bindto?: string; timeoutMs: number }, done: ConnectDone): boolean {
  const family = isIP(t.address);
  if (!wrap || family === 0 || (t.bindto !== undefined && isIP(t.bindto) !== family)) return false;
  const h = new wrap.TCP(wrap.constants.SOCKET);
  let open = true;
  const finish = (err: NodeJS.ErrnoException | null | "timeout") => {
    if (!open) return;
    open = false;
    pending.delete(p);
    h.close();
    done(err);
  };
  const p: Pending = { deadline: performance.now() + t.timeoutMs, expire: () => finish("timeout") };
  if (t.bindto !== undefined) {
    const e = family === 6 ? h.bind6(t.bindto, 0, 0) : h.bind(t.bindto, 0);
    if (e) {
      h.close();
      queueMicrotask(() => done(errnoError(e, "bind")));
      return true;
    }
  }
  const req = new wrap.TCPConnectWrap();
  req.oncomplete = (status) => finish(status === 0 ? null : errnoError(status, "connect"));
  const e = family === 6 ? h.connect6(req, t.address, t.port) : h.connect(req, t.address, t.port);
  if (e) {
    open = false;
    h.close();
    queueMicrotask(() => done(errnoError(e, "connect")));
    return true;
  }
  pending.add(p);
  arm(p.deadline);
  return true;
}
