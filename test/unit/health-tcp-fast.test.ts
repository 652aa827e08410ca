// TCP_CHECK through the bare tcp_wrap handle (tcp-fast.ts) and through its net.connect fallback,
// against real listeners: connected, refused, timeout (a stopped child process whose accept queue
// is full, so the kernel drops further SYNs), bindto (the local address the listener sees, and
// one this host does not have). Both paths must give the same reasons.
import { type ChildProcess, spawn } from "node:child_process";
import { type AddressInfo, type Socket, connect, createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckTarget, tcpCheck, tcpCheckNet } from "@/agent/health/check-net.ts";
import { loadTcpWrap } from "@/agent/health/tcp-fast.ts";
import { freePorts } from "@/lab/ports.ts";

const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers.reverse()) c();
});

async function listen(onConn: (peer: string) => void = () => {}, host = "127.0.0.1"): Promise<number> {
  const s = createServer((c) => {
    onConn(c.remoteAddress ?? "");
    c.destroy();
  });
  await new Promise<void>((r) => s.listen(0, host, r));
  closers.push(() => s.close());
  return (s.address() as AddressInfo).port;
}

/** A listener in a stopped child with backlog 1: once its queue is full, a connect gets no answer. */
async function blackhole(): Promise<number> {
  const child: ChildProcess = spawn(process.execPath, ["-e", `const s=require("net").createServer();s.listen({port:0,host:"127.0.0.1",backlog:1},()=>console.log(s.address().port))`], { stdio: ["ignore", "pipe", "inherit"] });
  closers.push(() => child.kill("SIGKILL"));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (d) => resolve(Number(String(d).trim())));
    child.once("exit", (code) => reject(new Error(`listener child exited ${code}`)));
  });
  child.kill("SIGSTOP");
  const held: Socket[] = [];
  closers.push(() => {
    for (const s of held) s.destroy();
  });
  // fill the accept queue: stop once a connect stays unanswered for 300 ms
  for (let i = 0; i < 20; i++) {
    const s = connect({ host: "127.0.0.1", port });
    s.on("error", () => {});
    held.push(s);
    const answered = await new Promise<boolean>((r) => {
      const t = setTimeout(() => r(false), 300);
      s.once("connect", () => { clearTimeout(t); r(true); });
    });
    if (!answered) return port;
  }
  throw new Error("the stopped listener's accept queue never filled");
}

const wrap = loadTcpWrap();
// counts the handles made, so a silent fallback to net.connect fails the handle path's tests
let handles = 0;
const counted = wrap && {
  ...wrap,
  TCP: class extends wrap.TCP {
    constructor(type: number) {
      super(type);
      handles++;
    }
  },
};
async function viaHandle(t: CheckTarget) {
  const before = handles;
  const r = tcpCheck(t, counted);
  // the handle is made synchronously, before any other check can start
  expect(handles, "the check went through a tcp_wrap handle").toBe(before + 1);
  return r;
}
const paths: [string, (t: CheckTarget) => Promise<{ ok: boolean; reason: string }>][] = [
  ["tcp_wrap handle", viaHandle],
  ["net.connect fallback (no binding)", (t) => tcpCheck(t, null)],
  ["net.connect", tcpCheckNet],
];

it("this node has the tcp_wrap binding (else the fast path is never taken)", () => {
  expect(wrap).not.toBeNull();
});

it("loadTcpWrap gives null when the binding throws or lacks what it needs", () => {
  expect(loadTcpWrap(() => { throw new Error("No such module: tcp_wrap"); })).toBeNull();
  expect(loadTcpWrap(() => undefined)).toBeNull();
  expect(loadTcpWrap(() => ({ TCP: class {}, TCPConnectWrap: class {}, constants: { SOCKET: 0 } }))).toBeNull();
});

it("a binding that throws on connect falls back to net.connect for that check", async () => {
  const port = await listen();
  const broken = { ...wrap!, TCP: class { connect() { throw new TypeError("changed"); } close() {} } } as unknown as typeof wrap;
  expect(await tcpCheck({ address: "127.0.0.1", port, timeoutMs: 2000 }, broken)).toEqual({ ok: true, reason: "connected" });
});

describe.each(paths)("TCP_CHECK via %s", (_name, check) => {
  let hole = 0;
  beforeAll(async () => {
    hole = await blackhole();
  }, 20_000);

  it("connected, and a refusal named as keepalived logs it", async () => {
    const port = await listen();
    expect(await check({ address: "127.0.0.1", port, timeoutMs: 2000 })).toEqual({ ok: true, reason: "connected" });
    expect(await check({ address: "127.0.0.1", port: (await freePorts(1))[0]!, timeoutMs: 2000 })).toEqual({ ok: false, reason: "connect refused" });
  });

  it("IPv6: connected and refused on ::1", async () => {
    const port = await listen(() => {}, "::1");
    expect(await check({ address: "::1", port, timeoutMs: 2000 })).toEqual({ ok: true, reason: "connected" });
    expect(await check({ address: "::1", port: (await freePorts(1))[0]!, timeoutMs: 2000 })).toEqual({ ok: false, reason: "connect refused" });
  });

  it("an unanswered connect times out after connect_timeout, not before", async () => {
    const t0 = performance.now();
    const [a, b] = await Promise.all([
      check({ address: "127.0.0.1", port: hole, timeoutMs: 400 }),
      check({ address: "127.0.0.1", port: hole, timeoutMs: 250 }),
    ]);
    const took = performance.now() - t0;
    expect(a).toEqual({ ok: false, reason: "timeout after 0.4 s" });
    expect(b).toEqual({ ok: false, reason: "timeout after 0.25 s" });
    expect(took).toBeGreaterThanOrEqual(395);
    // loaded 2-core host: generous upper bound
    expect(took).toBeLessThan(3000);
  });

  it("bindto: the listener sees that source address; an address not on this host is named", async () => {
    const peers: string[] = [];
    const port = await listen((p) => peers.push(p));
    expect(await check({ address: "127.0.0.1", port, bindto: "127.0.0.2", timeoutMs: 2000 })).toEqual({ ok: true, reason: "connected" });
    await new Promise((r) => setTimeout(r, 50));
    expect(peers).toContain("127.0.0.2");
    expect(await check({ address: "127.0.0.1", port, bindto: "192.0.2.77", timeoutMs: 2000 })).toEqual({ ok: false, reason: "bindto address not available" });
  });
});
