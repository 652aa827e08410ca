// Replace a file so that a reader (keepalived on reload, the agent at its next start) sees the
// old content or the new, never half of it: a temp file in the same directory (same file
// system, so rename is atomic), fsync, rename, fsync of the directory. Mode 0600 by default:
// keepalived.conf holds auth_pass.
import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** `check` sees the complete temp file before the rename (keepalived -t); a throw leaves `path` alone. */
export async function writeFileAtomic(path: string, data: string, mode = 0o600, check?: (tmp: string) => Promise<void>): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(data);
    await fh.chmod(mode); // the umask may have narrowed open()'s mode; never widened
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  try {
    await check?.(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  const d = await open(dir, "r");
  try {
    await d.sync(); // the rename itself survives a crash
  } finally {
    await d.close();
  }
}
