// First-use setup: Debian packages on the host (the guest runs the host's binaries through
// its read-only 9p root) and the generic Debian kernel unpacked into the cache with depmod.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CACHE_DIR, DEBS_DIR, KERNEL_DIR } from "./paths.ts";

/** Debian package -> a file it installs, to tell whether it is present. */
const HOST_PACKAGES: Record<string, string> = {
  "qemu-system-x86": "/usr/bin/qemu-system-x86_64",
  ipvsadm: "/usr/sbin/ipvsadm",
  "busybox-static": "/bin/busybox",
  cpio: "/usr/bin/cpio",
  kmod: "/usr/bin/kmod",
  iproute2: "/usr/sbin/ip",
  // engines the product drives or is checked against; the guests run them from the 9p root,
  // the host never starts them (see SERVICE_PACKAGES)
  keepalived: "/usr/sbin/keepalived",
  "prometheus-node-exporter": "/usr/bin/prometheus-node-exporter",
  prometheus: "/usr/bin/promtool",
  // not for the guest: the dashboard's browser tests drive Debian's Chromium (playwright-core)
  chromium: "/usr/bin/chromium",
};

/** Packages whose maintainer scripts would start a daemon on the host: installed under a
 * policy-rc.d that forbids it (the guests start what they need themselves). */
const SERVICE_PACKAGES = new Set(["keepalived", "prometheus-node-exporter", "prometheus"]);
const POLICY_RC_D = "/usr/sbin/policy-rc.d";

export class LabSetupError extends Error {}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function run(cmd: string, args: string[], cwd?: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (r.status !== 0) {
    throw new LabSetupError(`${cmd} ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr || r.stdout}`);
  }
  return r.stdout;
}

export function missingPackages(): string[] {
  return Object.entries(HOST_PACKAGES)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
}

export function ensurePackages(
  log: (s: string) => void,
  env: { missing: string[]; root: boolean } = { missing: missingPackages(), root: isRoot() },
): void {
  const { missing } = env;
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(" ")}`;
  if (!env.root) {
    throw new LabSetupError(`the lab needs Debian packages that are missing: ${missing.join(", ")}.\nRun as root:\n  ${cmd}`);
  }
  log(`lab: installing ${missing.join(" ")}`);
  run("apt-get", ["update", "-qq"]);
  const ownPolicy = missing.some((p) => SERVICE_PACKAGES.has(p)) && !existsSync(POLICY_RC_D);
  if (ownPolicy) writeFileSync(POLICY_RC_D, "#!/bin/sh\n# lvs-fleet lab: never start services on the host\nexit 101\n", { mode: 0o755 });
  try {
    run("apt-get", ["install", "-y", "-qq", ...missing]);
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true });
  }
}

/** The versioned image the metapackage linux-image-amd64 points at (generic, with 9p). */
function kernelPackageName(): string {
  const out = run("apt-cache", ["depends", "linux-image-amd64"]);
  const m = /Depends:\s+(linux-image-[\d.]+-\d+-amd64)\b/.exec(out);
  if (!m) throw new LabSetupError(`cannot find the kernel package behind linux-image-amd64:\n${out}`);
  return m[1]!;
}

export interface KernelInfo {
  version: string;
  vmlinuz: string;
  modulesDir: string;
}

export function installedKernel(): KernelInfo | null {
  const modRoot = join(KERNEL_DIR, "lib", "modules");
  if (!existsSync(join(KERNEL_DIR, ".complete")) || !existsSync(modRoot)) return null;
  const version = readdirSync(modRoot)[0];
  if (!version) return null;
  return {
    version,
    vmlinuz: join(KERNEL_DIR, "boot", `vmlinuz-${version}`),
    modulesDir: join(modRoot, version),
  };
}

export function ensureKernel(log: (s: string) => void): KernelInfo {
  const have = installedKernel();
  if (have) return have;
  mkdirSync(DEBS_DIR, { recursive: true });
  let pkg: string;
  try {
    pkg = kernelPackageName();
  } catch (e) {
    if (!isRoot()) throw e;
    run("apt-get", ["update", "-qq"]);
    pkg = kernelPackageName();
  }
  log(`lab: downloading ${pkg} (about 70 MB, once)`);
  for (const f of readdirSync(DEBS_DIR)) rmSync(join(DEBS_DIR, f), { force: true });
  run("apt-get", ["download", pkg], DEBS_DIR);
  const deb = readdirSync(DEBS_DIR).find((f) => f.endsWith(".deb"));
  if (!deb) throw new LabSetupError(`apt-get download ${pkg} left no .deb in ${DEBS_DIR}`);
  // Unpack into a staging folder and rename at the end: an interrupted fetch leaves nothing half-done.
  const staging = `${KERNEL_DIR}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  run("dpkg", ["-x", join(DEBS_DIR, deb), staging]);
  const version = readdirSync(join(staging, "lib", "modules"))[0]!;
  execFileSync("depmod", ["-b", staging, version]);
  writeFileSync(join(staging, ".complete"), `${pkg}\n`);
  rmSync(KERNEL_DIR, { recursive: true, force: true });
  renameSync(staging, KERNEL_DIR);
  rmSync(join(DEBS_DIR, deb), { force: true });
  log(`lab: kernel ${version} ready in ${KERNEL_DIR}`);
  return installedKernel()!;
}

export function ensureAll(log: (s: string) => void): KernelInfo {
  mkdirSync(CACHE_DIR, { recursive: true });
  ensurePackages(log);
  return ensureKernel(log);
}
