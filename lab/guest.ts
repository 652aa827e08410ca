// One QEMU guest: a real Debian kernel with IPVS under TCG, the host's root shared read-only
// over 9p (so the guest runs this checkout's code and the host's node, ipvsadm, busybox), a
// writable 9p share that survives reboots, and hostfwd ports on 127.0.0.1 only.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ControlClient } from "./control-client.ts";
import type { KernelInfo } from "./fetch.ts";
import { KERNEL_DIR, REPO_ROOT } from "./paths.ts";

/** Guest-side ports: the control daemon, and per director one relay port for its agent and
 * one for the realserver-role agent of its first real server. */
export const GUEST_CONTROL_PORT = 7000;
export const GUEST_AGENT_BASE_PORT = 9400;
export const GUEST_RS_AGENT_BASE_PORT = 9600;

export interface GuestRecord {
  name: string;
  memoryMb: number;
  controlPort: number;
  /** host port -> guest relay port GUEST_AGENT_BASE_PORT + index, one per director */
  agentPorts: number[];
  /** host port -> guest relay port GUEST_RS_AGENT_BASE_PORT + index (labs made before these
   * existed have none) */
  rsAgentPorts?: number[];
  dir: string;
  pid?: number;
}

export class GuestBootError extends Error {}

export function consoleLogPath(g: GuestRecord): string {
  return join(g.dir, "console.log");
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers kill(0), and a pid can be reused: /proc says what really runs.
  try {
    if (/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"))) return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("qemu-system");
  } catch {
    return false;
  }
}

export function tailOf(file: string, lines = 40): string {
  if (!existsSync(file)) return "(no console log)";
  return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
}

export function startQemu(g: GuestRecord, kernel: KernelInfo, initrd: string, tokenFile: string, controlJs: string): number {
  mkdirSync(join(g.dir, "persist"), { recursive: true });
  const fwds = [
    `hostfwd=tcp:127.0.0.1:${g.controlPort}-:${GUEST_CONTROL_PORT}`,
    ...g.agentPorts.map((p, i) => `hostfwd=tcp:127.0.0.1:${p}-:${GUEST_AGENT_BASE_PORT + i + 1}`),
    ...(g.rsAgentPorts ?? []).map((p, i) => `hostfwd=tcp:127.0.0.1:${p}-:${GUEST_RS_AGENT_BASE_PORT + i + 1}`),
  ];
  const append = [
    "console=ttyS0",
    "quiet",
    "panic=-1",
    `LAB_REPO=${REPO_ROOT}`,
    `LAB_GUEST=${g.name}`,
    `LAB_KERNEL_DIR=${KERNEL_DIR}`,
    `LAB_TOKEN_FILE=${tokenFile}`,
    `LAB_CONTROL_PORT=${GUEST_CONTROL_PORT}`,
    `LAB_CONTROL_JS=${controlJs}`,
    `LAB_9P_CACHE=${process.env.LVS_LAB_9P_CACHE ?? "loose"}`,
    ...(process.env.LVS_LAB_9P_MSIZE ? [`LAB_9P_MSIZE=${process.env.LVS_LAB_9P_MSIZE}`] : []),
  ].join(" ");
  const args = [
    "-accel", "tcg",
    "-cpu", process.env.LVS_LAB_CPU ?? "qemu64",
    "-smp", "2",
    "-m", String(g.memoryMb),
    "-kernel", kernel.vmlinuz,
    "-initrd", initrd,
    "-append", append,
    "-display", "none",
    "-monitor", "none",
    "-serial", `file:${consoleLogPath(g)}`,
    "-no-reboot",
    "-virtfs", "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
    "-virtfs", `local,path=${join(g.dir, "persist")},mount_tag=persist,security_model=none,multidevs=remap`,
    "-netdev", `user,id=n0,${fwds.join(",")}`,
    "-device", "virtio-net-pci,netdev=n0",
  ];
  const err = openSync(join(g.dir, "qemu.stderr.log"), "a");
  const child = spawn("qemu-system-x86_64", args, { detached: true, stdio: ["ignore", err, err] });
  child.unref();
  if (!child.pid) throw new GuestBootError(`could not start qemu-system-x86_64 for ${g.name}`);
  return child.pid;
}

/** Waits until the guest's control daemon answers; fails fast if QEMU dies. */
export async function waitForControl(g: GuestRecord, token: string, timeoutMs: number): Promise<ControlClient> {
  const client = new ControlClient(g.controlPort, token);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(g.pid)) {
      const qemuErr = tailOf(join(g.dir, "qemu.stderr.log"), 10);
      throw new GuestBootError(`guest ${g.name} died while booting.\n--- console ---\n${tailOf(consoleLogPath(g))}\n--- qemu ---\n${qemuErr}`);
    }
    try {
      await client.health(2000);
      return client;
    } catch {
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new GuestBootError(`guest ${g.name} did not come up within ${timeoutMs / 1000} s.\n--- console ---\n${tailOf(consoleLogPath(g))}`);
}
