// Builds the busybox initramfs that boots the guest into the host's root (guest/init.sh).
// Cached per kernel version and init script content.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelInfo } from "./fetch.ts";
import { CACHE_DIR, GUEST_DIR } from "./paths.ts";

const BOOT_MODULES = [
  "drivers/virtio/virtio_ring.ko",
  "drivers/virtio/virtio.ko",
  "drivers/virtio/virtio_pci_modern_dev.ko",
  "drivers/virtio/virtio_pci_legacy_dev.ko",
  "drivers/virtio/virtio_pci.ko",
  "fs/netfs/netfs.ko",
  "fs/fscache/fscache.ko",
  "net/9p/9pnet.ko",
  "net/9p/9pnet_virtio.ko",
  "fs/9p/9p.ko",
  "fs/overlayfs/overlay.ko",
];

export function ensureInitramfs(kernel: KernelInfo): string {
  const init = readFileSync(join(GUEST_DIR, "init.sh"));
  const tag = createHash("sha256").update(kernel.version).update(init).digest("hex").slice(0, 12);
  const out = join(CACHE_DIR, `initramfs-${tag}.cpio.gz`);
  if (existsSync(out)) return out;

  const root = join(CACHE_DIR, `initramfs-${tag}.d`);
  rmSync(root, { recursive: true, force: true });
  for (const d of ["bin", "dev", "proc", "sys", "modules", "newroot"]) mkdirSync(join(root, d), { recursive: true });
  copyFileSync("/bin/busybox", join(root, "bin", "busybox"));
  writeFileSync(join(root, "init"), init, { mode: 0o755 });
  for (const m of BOOT_MODULES) {
    copyFileSync(join(kernel.modulesDir, "kernel", m), join(root, "modules", m.split("/").pop()!));
  }
  const tmp = `${out}.partial`;
  // cpio reads the file list from stdin; gzip -1 is plenty for a ~3 MB archive.
  execFileSync("sh", ["-c", `cd "${root}" && find . | cpio -o -H newc --quiet | gzip -1 > "${tmp}"`]);
  renameSync(tmp, out);
  rmSync(root, { recursive: true, force: true });
  return out;
}
