// TCP_CHECK and the reasons every network checker reports. One socket per check, on the
// agent's event loop; the whole check (connect and any reply) is bounded by connect_timeout.
// TCP_CHECK connects through a bare handle (tcp-fast.ts) where this node has one, else net.connect.
import { connect } from "node:net";
import { type TcpWrap, fastConnect, loadTcpWrap } from "./tcp-fast.ts";

export interface CheckTarget {
  address: string;
  port: number;
  bindto?: string;
  timeoutMs: number;
}

export interface CheckOutcome {
  ok: boolean;
  reason: string;
}

export const timeoutReason = (ms: number) => `timeout after ${Number((ms / 1000).toFixed(3))} s`;

/** An errno as an operator reads it ("connect refused", as keepalived logs it). */
export function errorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ECONNREFUSED": return "connect refused";
    case "EHOSTUNREACH": return "host unreachable";
    case "ENETUNREACH": return "network unreachable";
    case "ECONNRESET": return "connection reset";
    case "EADDRNOTAVAIL": return "bindto address not available";
    default: return code ? `connect error ${code}` : (err as Error).message;
  }
}

let wrap: TcpWrap | null = loadTcpWrap();
const CONNECTED: CheckOutcome = { ok: true, reason: "connected" };

/** The handle path; falls back to net.connect (tcpCheckNet) when it cannot start or throws. */
export function tcpCheck(t: CheckTarget, w: TcpWrap | null = wrap): Promise<CheckOutcome> {
  try {
    let resolve!: (o: CheckOutcome) => void;
    const p = new Promise<CheckOutcome>((r) => { resolve = r; });
    const started = fastConnect(w, t, (err) =>
      resolve(err === null ? CONNECTED : err === "timeout" ? { ok: false, reason: timeoutReason(t.timeoutMs) } : { ok: false, reason: errorReason(err) }));
    if (started) return p;
  } catch {
    // an internal binding that changed shape in this node: net.connect from now on
    if (w === wrap) wrap = null;
  }
  return tcpCheckNet(t);
}

/** TCP_CHECK through a net.Socket. */
export function tcpCheckNet(t: CheckTarget): Promise<CheckOutcome> {
  return new Promise((resolve) => {
    const sock = connect({ host: t.address, port: t.port, ...(t.bindto ? { localAddress: t.bindto } : {}) });
    const timer = setTimeout(() => finish({ ok: false, reason: timeoutReason(t.timeoutMs) }), t.timeoutMs);
    function finish(o: CheckOutcome) {
      clearTimeout(timer);
      sock.destroy();
      resolve(o);
    }
    sock.once("connect", () => finish({ ok: true, reason: "connected" }));
    sock.once("error", (e) => finish({ ok: false, reason: errorReason(e) }));
  });
}
