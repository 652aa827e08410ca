// Where the lab keeps things. Everything lives in the checkout's ignored .cache/lab folder,
// never under /tmp: the guest mounts a fresh tmpfs on /tmp, which would hide it there.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const CACHE_DIR = process.env.LVS_LAB_CACHE ?? join(REPO_ROOT, ".cache", "lab");
export const KERNEL_DIR = join(CACHE_DIR, "kernel");
export const DEBS_DIR = join(CACHE_DIR, "debs");
export const INSTANCES_DIR = join(CACHE_DIR, "instances");
export const GUEST_DIR = join(REPO_ROOT, "lab", "guest");

export function instanceDir(instance: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(instance)) {
    throw new Error(`invalid lab instance name "${instance}" (letters, digits, _ and - only)`);
  }
  return join(INSTANCES_DIR, instance);
}
