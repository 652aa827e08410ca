// The lab's control daemon, run inside each guest by stage2.sh. It lets the host run commands
// in the guest's network namespaces (tests use it to run the real ipvsadm as the oracle),
// start and stop long-running processes (real-server HTTP servers, traffic, agents) and relay
// TCP from the guest's user-mode network into a director's namespace. It exists only in the
// lab: the product's agent never exposes anything like it.
import { type ChildProcess, spawn } from "node:child_process";
import { timingSafeEqual } from "node:crypto";
import { openSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createConnection, createServer as createTcpServer, type Server } from "node:net";

const PORT = Number(process.env.LAB_CONTROL_PORT ?? 7000);
const TOKEN = readFileSync(process.env.LAB_TOKEN_FILE ?? "", "utf8").trim();
const LOG_DIR = "/run/lab/logs";
const MAX_OUTPUT = 64 * 1024 * 1024;

interface ExecRequest {
  netns?: string;
  argv: string[];
  stdin?: string;
  timeoutMs?: number;
}

const procs = new Map<string, { child: ChildProcess; argv: string[]; netns?: string; exited?: number | null }>();
const proxies = new Map<number, Server>();

function nsArgv(netns: string | undefined, argv: string[]): string[] {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) {
    throw new Error("argv must be a non-empty array of strings");
  }
  if (netns === undefined || netns === "") return argv;
  if (!/^[A-Za-z0-9_.-]{1,40}$/.test(netns)) throw new Error(`bad netns name ${netns}`);
  return ["ip", "netns", "exec", netns, ...argv];
}

function runExec(req: ExecRequest): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  const argv = nsArgv(req.netns, req.argv);
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (b: Buffer) => {
      size += b.length;
      if (size <= MAX_OUTPUT) into.push(b);
    };
    child.stdout.on("data", collect(out));
    child.stderr.on("data", collect(err));
    const timer = setTimeout(() => child.kill("SIGKILL"), req.timeoutMs ?? 120_000);
    child.on("error", (e) => err.push(Buffer.from(String(e))));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on("error", () => {});
    child.stdin.end(req.stdin ?? "");
  });
}

function spawnNamed(name: string, netns: string | undefined, argv: string[]): number {
  if (!/^[A-Za-z0-9_.-]{1,60}$/.test(name)) throw new Error(`bad process name ${name}`);
  stopNamed(name);
  const full = nsArgv(netns, argv);
  // a fresh log per start: waiting for a "ready" line must not find the previous run's
  const log = openSync(`${LOG_DIR}/${name}.log`, "w");
  const child = spawn(full[0]!, full.slice(1), { stdio: ["ignore", log, log], detached: true });
  const entry: { child: ChildProcess; argv: string[]; netns?: string; exited?: number | null } = { child, argv, netns };
  child.on("exit", (code) => {
    entry.exited = code;
  });
  procs.set(name, entry);
  return child.pid ?? -1;
}

function stopNamed(name: string): boolean {
  const p = procs.get(name);
  if (!p) return false;
  procs.delete(name);
  if (p.exited === undefined && p.child.pid) {
    try {
      process.kill(-p.child.pid, "SIGTERM"); // the whole process group (ip netns exec + child)
    } catch {
      /* already gone */
    }
  }
  return true;
}

function startProxy(listenPort: number, host: string, port: number): void {
  proxies.get(listenPort)?.close();
  const server = createTcpServer((client) => {
    const upstream = createConnection({ host, port });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
  });
  server.listen(listenPort, "0.0.0.0");
  proxies.set(listenPort, server);
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString();
  return text === "" ? {} : JSON.parse(text);
}

function authorized(req: IncomingMessage): boolean {
  const got = Buffer.from(String(req.headers["x-lab-token"] ?? ""));
  const want = Buffer.from(TOKEN);
  return got.length === want.length && timingSafeEqual(got, want);
}

function reply(res: ServerResponse, status: number, data: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(data));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!authorized(req)) return reply(res, 401, { error: "bad token" });
  const url = req.url ?? "/";
  const b = (await body(req)) as Record<string, unknown>;
  switch (`${req.method} ${url}`) {
    case "GET /health":
      return reply(res, 200, { ok: true, uptime: process.uptime() });
    case "POST /exec":
      return reply(res, 200, await runExec(b as unknown as ExecRequest));
    case "POST /spawn":
      return reply(res, 200, { pid: spawnNamed(String(b.name), b.netns as string | undefined, b.argv as string[]) });
    case "POST /stop":
      return reply(res, 200, { stopped: stopNamed(String(b.name)) });
    case "GET /procs":
      return reply(
        res,
        200,
        [...procs].map(([name, p]) => ({ name, pid: p.child.pid, netns: p.netns, alive: p.exited === undefined, exitCode: p.exited })),
      );
    case "POST /proxy":
      startProxy(Number(b.listenPort), String(b.host), Number(b.port));
      return reply(res, 200, { ok: true });
    case "POST /poweroff":
      reply(res, 200, { ok: true });
      setTimeout(() => spawn("sh", ["-c", `sync; echo ${b.reboot ? "b" : "o"} > /proc/sysrq-trigger`]), 100);
      return;
    default:
      return reply(res, 404, { error: `no route ${req.method} ${url}` });
  }
}

createServer((req, res) => {
  handle(req, res).catch((e: unknown) => reply(res, 400, { error: String(e instanceof Error ? e.message : e) }));
}).listen(PORT, "0.0.0.0", () => {
  console.log(`lab-control: listening on ${PORT}`);
  // The console is the serial port: one line there tells the host we are up even without HTTP.
  spawn("sh", ["-c", `echo "lab-control: listening on ${PORT}" > /dev/console`]);
});
