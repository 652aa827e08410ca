// Stopping a child started with `detached: true` (its own process group: npx -> tsx -> node):
// SIGTERM to the whole group, SIGKILL after a grace period, resolved once the child exited.
import type { ChildProcess } from "node:child_process";

export async function stopProcessGroup(proc: ChildProcess, graceMs = 5000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once("exit", () => r()));
  try {
    process.kill(-proc.pid!, "SIGTERM");
  } catch {
    return; // already gone
  }
  const t = setTimeout(() => {
    try {
      process.kill(-proc.pid!, "SIGKILL");
    } catch {
      // exited between the two signals
    }
  }, graceMs);
  await exited;
  clearTimeout(t);
}
