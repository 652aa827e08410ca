// MISC_CHECK: the configured argv run without a shell, as the configured user, killed after
// misc_timeout; exit 0 = up. Only ever reached when the agent runs with --allow-script-checks
// (the manager refuses the configuration otherwise).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { type CheckOutcome, timeoutReason } from "./check-net.ts";

/** A script sees only a fixed PATH: nothing of the agent's environment leaks into it. */
const SCRIPT_ENV = { ...({} as NodeJS.ProcessEnv), PATH: "/usr/sbin:/usr/bin:/sbin:/bin" };

/** uid/gid of a user from /etc/passwd (no NSS lookups: the agent stays dependency-free). */
export function lookupUser(name: string, passwd = "/etc/passwd"): { uid: number; gid: number } | null {
  let text: string;
  try {
    text = readFileSync(passwd, "utf8");
  } catch {
    return null;
  }
  for (const line of text.split("\n")) {
    const f = line.split(":");
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return null;
}

export function miscCheck(argv: readonly string[], user: string, timeoutMs: number): Promise<CheckOutcome> {
  const ids = lookupUser(user);
  if (!ids) return Promise.resolve({ ok: false, reason: `no user ${user}` });
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, [...argv.slice(1)], {
      shell: false,
      stdio: "ignore",
      uid: ids.uid,
      gid: ids.gid,
      env: { ...SCRIPT_ENV },
    });
    let settled = false;
    const finish = (o: CheckOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish({ ok: false, reason: timeoutReason(timeoutMs) });
    }, timeoutMs);
    child.on("error", (e) => finish({ ok: false, reason: `could not run ${argv[0]}: ${e.message}` }));
    child.on("exit", (code, signal) => {
      if (code === 0) finish({ ok: true, reason: "exit 0" });
      else finish({ ok: false, reason: signal ? `killed by ${signal}` : `exit ${code}` });
    });
  });
}
