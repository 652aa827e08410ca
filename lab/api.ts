// The lab's programmatic API (the CLI in cli.ts and the vitest globalSetup both use it):
// bring up real LVS directors in QEMU guests, run commands in them, tear them down.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { ControlClient, type ExecResult } from "./control-client.ts";
import {
  agentAvailable,
  buildNetwork,
  defaultTargets,
  LabCommandError,
  loadDefaultRules,
  REAL_SERVER_IPS,
  setTraffic,
  startAgent,
  startRealServerAgent,
  stopAgent,
} from "./directors.ts";
import { bundle } from "@/scripts/build-agent.ts";
import { ensureAll } from "./fetch.ts";
import { haNamespaces } from "./ha.ts";
import { HA_CLIENT, haAgentArgs, setupHaGuest } from "./ha-setup.ts";
import { type GuestRecord, isAlive, startQemu, tailOf, consoleLogPath, waitForControl } from "./guest.ts";
import { ensureInitramfs } from "./initramfs.ts";
import { instanceDir, REPO_ROOT } from "./paths.ts";
import { freePorts } from "./ports.ts";
import { type DirectorRecord, type LabState, newToken, readControlToken, readState, type Topology, writeControlToken, writeState } from "./state.ts";

export interface UpOptions {
  instance: string;
  directors: number;
  directorsPerGuest: number;
  topology: Topology;
  realServers: number;
  trafficRate: number;
  agents: boolean;
  bootTimeoutMs: number;
  log: (line: string) => void;
}

export const UP_DEFAULTS: Omit<UpOptions, "instance" | "log"> = {
  directors: 1,
  directorsPerGuest: 2,
  topology: "mixed",
  realServers: 3,
  trafficRate: 5,
  agents: true,
  bootTimeoutMs: 300_000,
};

export function guestMemoryMb(directorsPerGuest: number): number {
  // per director: its namespaces, httpd servers, agent and realserver agent
  return Math.max(1024, 512 + 256 * directorsPerGuest);
}

/** The agent and control daemon, bundled per instance when it comes up (plain node in the guest). */
export function bundlePaths(instance: string): { agent: string; control: string } {
  return { agent: join(instanceDir(instance), "agent.mjs"), control: join(instanceDir(instance), "control.mjs") };
}

/**
 * A TypeScript file of the checkout bundled for the guest (returns the .mjs path): plain node
 * runs it there. `node --import tsx` with the native netlink addon crashed about 1 run in 5
 * under TCG (segfaults, illegal instructions); bundled code never did.
 */
export async function bundleGuestScript(instance: string, file: string): Promise<string> {
  const rel = relative(REPO_ROOT, isAbsolute(file) ? file : join(REPO_ROOT, file));
  const dir = join(instanceDir(instance), "scripts");
  const out = join(dir, `${rel.replace(/[/\\]/g, "_").replace(/\.ts$/, "")}.mjs`);
  if (!existsSync(out)) {
    // written once and renamed into place: the guest caches what it has read, so a file it
    // may already have opened must never change
    mkdirSync(dir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp.mjs`;
    await bundle(rel, tmp);
    if (!existsSync(out)) renameSync(tmp, out);
    else rmSync(tmp, { force: true });
  }
  return out;
}

export function controlFor(s: LabState, guest: string): ControlClient {
  const g = s.guests.find((x) => x.name === guest);
  if (!g) throw new LabCommandError(`no guest named ${guest} in lab "${s.instance}"`);
  return new ControlClient(g.controlPort, readControlToken(s));
}

export function requireState(instance: string): LabState {
  const s = readState(instance);
  if (!s) throw new LabCommandError(`lab "${instance}" is not up (run: npm run lab -- up)`);
  return s;
}

/** A director name, or a namespace of it (dir1-c, dir1-rs2), or a guest name (its root namespace). */
export function resolveTarget(s: LabState, target: string): { guest: string; netns?: string } {
  if (s.guests.some((g) => g.name === target)) return { guest: target };
  if (s.namespaces?.includes(target)) return { guest: s.guests[0]!.name, netns: target };
  const d = s.directors.find((x) => target === x.name || target.startsWith(`${x.name}-`));
  if (!d) throw new LabCommandError(`no director or guest named "${target}" (have: ${s.directors.map((x) => x.name).join(", ")})`);
  return { guest: d.guest, netns: target };
}

export async function exec(instance: string, target: string, argv: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const s = requireState(instance);
  const t = resolveTarget(s, target);
  return controlFor(s, t.guest).exec(t.netns, argv, opts);
}

export function waitForAgent(c: ControlClient, d: DirectorRecord, timeoutMs: number): Promise<void> {
  return waitForProcess(c, `agent-${d.name}`, timeoutMs);
}

/** Waits until the named agent process logs that it is listening. */
export async function waitForProcess(c: ControlClient, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const log = `/run/lab/logs/${name}.log`;
  while (Date.now() < deadline) {
    const r = await c.exec(undefined, ["cat", log]);
    if (/listening/.test(r.stdout)) return;
    const procs = await c.procs();
    if (procs.find((p) => p.name === name)?.alive === false) {
      throw new LabCommandError(`${name} exited:\n${r.stdout}`);
    }
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new LabCommandError(`${name} did not start within ${timeoutMs / 1000} s`);
}

/** Network, real servers, rules, traffic and agent of every director of one guest. */
async function setupGuest(s: LabState, g: GuestRecord, opts: { rules: boolean }, log: (l: string) => void): Promise<void> {
  const c = controlFor(s, g.name);
  const mine = s.directors.filter((d) => d.guest === g.name);
  if (s.topology === "ha") await setupHaGuest(c, s, { ...opts, agentBundle: bundlePaths(s.instance).agent });
  for (const d of s.topology === "ha" ? [] : mine) {
    await buildNetwork(c, d, s.realServers);
    if (opts.rules) await loadDefaultRules(c, d, s.topology, s.realServers);
    await setTraffic(c, d, s.trafficRate, defaultTargets(s.topology));
  }
  if (!s.withAgents) return;
  for (const d of mine) {
    if (s.topology !== "ha") await startAgent(c, d, bundlePaths(s.instance).agent);
    if (d.realServerAgent) await startRealServerAgent(c, d, d.realServerAgent, bundlePaths(s.instance).agent);
  }
  for (const d of mine) {
    await waitForAgent(c, d, 120_000);
    if (d.realServerAgent) await waitForProcess(c, `agent-${d.realServerAgent.name}`, 120_000);
  }
  log(`lab: ${g.name}: ${mine.length} director(s) ready`);
}

async function bootGuest(s: LabState, g: GuestRecord, timeoutMs: number): Promise<void> {
  const kernel = ensureAll(() => {});
  const initrd = ensureInitramfs(kernel);
  rmSync(consoleLogPath(g), { force: true });
  g.pid = startQemu(g, kernel, initrd, s.controlTokenFile, bundlePaths(s.instance).control);
  writeState(s); // record the pid at once: `down` must find it even if we crash now
  await waitForControl(g, readControlToken(s), timeoutMs);
}

export async function up(opts: UpOptions): Promise<LabState> {
  // ha: the pair dir1 + dir2 in one guest, on one segment
  const o = opts.topology === "ha" ? { ...opts, directors: 2, directorsPerGuest: 2 } : opts;
  const existing = readState(o.instance);
  if (existing?.guests.some((g) => isAlive(g.pid))) {
    throw new LabCommandError(`lab "${o.instance}" is already up (npm run lab -- status; down to stop it)`);
  }
  if (o.directors < 1 || o.directorsPerGuest < 1 || o.directorsPerGuest > 200) throw new LabCommandError("directors and directors-per-guest must be >= 1 (per guest at most 200)");
  const kernel = ensureAll(o.log);
  ensureInitramfs(kernel);
  const withAgents = o.agents && agentAvailable();
  if (o.agents && !withAgents) o.log("lab: agent/main.ts not in this checkout yet: directors start without agents");

  const dir = instanceDir(o.instance);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const control = writeControlToken(o.instance);
  // Bundled before any guest boots: the guest sees the checkout as it was at boot.
  await bundle("lab/guest/control.ts", bundlePaths(o.instance).control);
  if (withAgents) await bundle("agent/main.ts", bundlePaths(o.instance).agent);
  const guestCount = Math.ceil(o.directors / o.directorsPerGuest);
  const s: LabState = {
    instance: o.instance,
    createdAt: new Date().toISOString(),
    topology: o.topology,
    realServers: o.realServers,
    trafficRate: o.trafficRate,
    withAgents,
    controlTokenFile: control.file,
    guests: [],
    directors: [],
    ...(o.topology === "ha" ? { namespaces: haNamespaces(o.realServers) } : {}),
  };
  for (let gi = 0; gi < guestCount; gi++) {
    const count = Math.min(o.directorsPerGuest, o.directors - gi * o.directorsPerGuest);
    const [controlPort, ...ports] = await freePorts(1 + 2 * count);
    const agentPorts = ports.slice(0, count);
    const rsAgentPorts = ports.slice(count);
    const g: GuestRecord = { name: `g${gi + 1}`, memoryMb: guestMemoryMb(count), controlPort: controlPort!, agentPorts, rsAgentPorts, dir: join(dir, `g${gi + 1}`) };
    mkdirSync(g.dir, { recursive: true });
    s.guests.push(g);
    agentPorts.forEach((port, i) => {
      const n = gi * o.directorsPerGuest + i + 1;
      const rsPort = rsAgentPorts[i]!;
      s.directors.push({
        name: `dir${n}`,
        guest: g.name,
        index: i + 1,
        agentPort: port,
        agentToken: newToken(),
        agentUrl: `ws://127.0.0.1:${port}`,
        // ha: one realserver-role agent, on rs1 (the real servers are shared by the pair)
        ...(o.realServers > 0 && (o.topology !== "ha" || n === 1)
          ? {
              realServerAgent: {
                name: o.topology === "ha" ? "rs1" : `dir${n}-rs1`,
                address: REAL_SERVER_IPS(1)[0]!,
                listen: `10.253.${i + 1}.2`,
                port: rsPort,
                token: newToken(),
                url: `ws://127.0.0.1:${rsPort}`,
              },
            }
          : {}),
      });
    });
  }
  writeState(s);
  try {
    const t0 = Date.now();
    await Promise.all(s.guests.map((g) => bootGuest(s, g, o.bootTimeoutMs)));
    o.log(`lab: ${guestCount} guest(s) booted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const g of s.guests) await setupGuest(s, g, { rules: true }, o.log);
  } catch (e) {
    await down(o.instance);
    throw e;
  }
  return s;
}

export async function reboot(instance: string, guest: string, log: (l: string) => void, timeoutMs = UP_DEFAULTS.bootTimeoutMs): Promise<void> {
  const s = requireState(instance);
  const g = s.guests.find((x) => x.name === guest);
  if (!g) throw new LabCommandError(`no guest named ${guest} (have: ${s.guests.map((x) => x.name).join(", ")})`);
  if (isAlive(g.pid)) {
    await controlFor(s, guest).poweroff(true).catch(() => {});
    const deadline = Date.now() + 30_000;
    while (isAlive(g.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (isAlive(g.pid)) process.kill(g.pid!, "SIGKILL");
  }
  await bootGuest(s, g, timeoutMs);
  // The kernel's IPVS table is gone, as after a real reboot: the network, servers and agents
  // come back, the rules only if an agent restores them.
  await setupGuest(s, g, { rules: false }, log);
  writeState(s);
}

/** Stops a director's agent (SIGTERM) and, unless stopOnly, starts it again and waits for it. */
export async function restartAgent(instance: string, director: string, opts: { stopOnly?: boolean } = {}): Promise<void> {
  const s = requireState(instance);
  const d = s.directors.find((x) => x.name === director);
  if (!d) throw new LabCommandError(`no director named ${director}`);
  const c = controlFor(s, d.guest);
  await stopAgent(c, d);
  // the old process must be gone before the new one binds the same address
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    // "[-]" keeps the pattern from matching this very shell's command line
    const r = await c.exec(undefined, ["sh", "-c", `pgrep -f -- "[-]-listen 10.254.${d.index}.2:9400" || true`]);
    if (r.stdout.trim() === "") break;
    await new Promise((res) => setTimeout(res, 200));
  }
  if (opts.stopOnly) return;
  await startAgent(c, d, bundlePaths(instance).agent, s.topology === "ha" ? haAgentArgs(d) : []);
  await waitForAgent(c, d, 120_000);
}

export async function setTrafficRate(instance: string, director: string, rate: number, targets?: string[]): Promise<void> {
  const s = requireState(instance);
  const d = s.directors.find((x) => x.name === director);
  if (!d) throw new LabCommandError(`no director named ${director}`);
  // ha: the pair's one client sends to the VIPs, whichever director holds them
  if (s.topology === "ha") return setTraffic(controlFor(s, d.guest), s.directors[0]!, rate, targets ?? defaultTargets(s.topology), HA_CLIENT);
  await setTraffic(controlFor(s, d.guest), d, rate, targets ?? defaultTargets(s.topology));
}

/** Stops (or starts again) a real server's httpd: `rs-down dir1-rs2` / `rs-up` (ha: `rs2`). */
export async function setRealServerUp(instance: string, target: string, running: boolean): Promise<void> {
  const s = requireState(instance);
  if (!/^(dir\d+-)?rs\d+$/.test(target)) throw new LabCommandError(`"${target}" is not a real server (dir1-rs2, or rs2 in an ha lab)`);
  const t = resolveTarget(s, target);
  const c = controlFor(s, t.guest);
  if (!running) return void (await c.stop(`httpd-${target}`));
  await c.spawn(`httpd-${target}`, target, ["busybox", "httpd", "-f", "-p", "80", "-h", `/run/lab/www/${target}`]);
}

export interface GuestStatus {
  name: string;
  pid?: number;
  alive: boolean;
  controlPort: number;
  responding: boolean;
  processes: Array<{ name: string; alive: boolean }>;
  consoleTail?: string;
}

export async function status(instance: string): Promise<{ state: LabState; guests: GuestStatus[] }> {
  const s = requireState(instance);
  const guests = await Promise.all(
    s.guests.map(async (g): Promise<GuestStatus> => {
      const alive = isAlive(g.pid);
      const procs = alive ? await controlFor(s, g.name).procs().catch(() => null) : null;
      return {
        name: g.name,
        pid: g.pid,
        alive,
        controlPort: g.controlPort,
        responding: procs !== null,
        processes: (procs ?? []).map((p) => ({ name: p.name, alive: p.alive })),
        consoleTail: alive ? undefined : tailOf(consoleLogPath(g), 15),
      };
    }),
  );
  return { state: s, guests };
}

export async function down(instance: string): Promise<number> {
  const s = readState(instance);
  if (!s) return 0;
  let stopped = 0;
  for (const g of s.guests) {
    if (!isAlive(g.pid)) continue;
    await controlFor(s, g.name).poweroff().catch(() => {});
    const deadline = Date.now() + 5000;
    while (isAlive(g.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(g.pid)) process.kill(g.pid!, "SIGKILL");
    stopped++;
  }
  for (const g of s.guests) g.pid = undefined;
  writeState(s);
  return stopped;
}
