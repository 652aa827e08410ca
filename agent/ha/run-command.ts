// Runs a program with an argv array (never a shell) and collects its output: keepalived -t,
// systemctl, journalctl. A program that cannot be started is an exit code of null with the
// reason in `error`, so callers report it instead of throwing from deep inside.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** why it did not run or was killed (ENOENT, timeout), null when it ran to an exit code */
  error: string | null;
}

export function runCommand(cmd: string, argv: readonly string[], timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: timeoutMs, maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout: String(stdout), stderr: String(stderr), error: null });
      const e = err as NodeJS.ErrnoException & { code?: unknown; killed?: boolean; signal?: string | null };
      const code = typeof e.code === "number" ? e.code : null;
      const why = code !== null ? null : e.killed ? `timed out after ${timeoutMs} ms` : e.signal ? `killed by ${e.signal}` : e.message;
      resolve({ code, stdout: String(stdout), stderr: String(stderr), error: why });
    });
  });
}

/** A program's path: itself if it has a slash, else the first executable on PATH, /usr/sbin or /sbin. */
export function findProgram(name: string, path = process.env.PATH ?? ""): string | null {
  if (name.includes("/")) return name;
  for (const dir of [...path.split(delimiter).filter(Boolean), "/usr/sbin", "/sbin"]) {
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** The lines keepalived -t printed that say the config is not what we meant. */
export function configTestProblems(r: CommandResult): string[] {
  const lines = `${r.stderr}\n${r.stdout}`.split("\n").map((l) => l.trim()).filter(Boolean);
  const bad = lines.filter((l) => /unknown keyword|error|invalid|ignoring|must be|not supported|unknown|cannot|failed/i.test(l));
  if (r.error) bad.unshift(`keepalived -t did not run: ${r.error}`);
  else if (r.code !== 0) bad.unshift(`keepalived -t exited ${r.code}`);
  return [...new Set(bad)];
}
