// keepalived as the system's unit (--keepalived systemd): the agent writes the config where the
// unit reads it and runs `systemctl reload-or-restart keepalived`; state from `systemctl show
// -p MainPID,ActiveState`, the log tail from `journalctl -u keepalived -n 50 --no-pager`. The
// unit is polled so that a keepalived that dies is reported; systemd's own Restart= policy
// (Debian's unit has none for keepalived) is the operator's choice, not ours.
import type { KeepalivedStatus } from "@/protocol/ha.ts";
import type { KeepalivedRunner } from "./keepalived-runner.ts";
import { type CommandResult, runCommand } from "./run-command.ts";

export interface SystemdOptions {
  configFile: string;
  unit?: string;
  pollMs?: number;
}

export function parseSystemctlShow(text: string): { mainPid: number; activeState: string } {
  const kv = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const pid = Number(kv.get("MainPID") ?? "0");
  return { mainPid: Number.isInteger(pid) ? pid : 0, activeState: kv.get("ActiveState") ?? "unknown" };
}

const output = (r: CommandResult) => `${r.stderr}${r.stdout}`.trim() || r.error || `exit ${r.code}`;

export class SystemdKeepalived implements KeepalivedRunner {
  readonly mode = "systemd" as const;
  readonly configFile: string;
  readonly unit: string;
  readonly #listeners = new Set<() => void>();
  #error: string | null = null;
  #wanted = false;
  #startedAt: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  #last = "";

  readonly pollMs: number;

  constructor(o: SystemdOptions) {
    this.pollMs = o.pollMs ?? 2000;
    this.configFile = o.configFile;
    this.unit = o.unit ?? "keepalived";
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  async apply(): Promise<void> {
    this.#wanted = true;
    const r = await runCommand("systemctl", ["reload-or-restart", this.unit]);
    this.#error = r.code === 0 ? null : `systemctl reload-or-restart ${this.unit} failed: ${output(r)}`;
    if (r.code === 0) this.#startedAt = Date.now();
    this.#poll();
  }

  async stop(): Promise<void> {
    this.#wanted = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const r = await runCommand("systemctl", ["stop", this.unit]);
    this.#error = r.code === 0 ? null : `systemctl stop ${this.unit} failed: ${output(r)}`;
    this.#startedAt = null;
  }

  /** Watches the unit while it is wanted; a change of MainPID or ActiveState is a change. */
  #poll(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(async () => {
      this.#timer = null;
      if (!this.#wanted) return;
      const s = await this.status();
      const now = `${s.pid}/${s.running}/${s.error}`;
      if (now !== this.#last) {
        this.#last = now;
        for (const l of this.#listeners) l();
      }
      this.#poll();
    }, this.pollMs);
    this.#timer.unref();
  }

  async status(): Promise<KeepalivedStatus> {
    const show = await runCommand("systemctl", ["show", "-p", "MainPID,ActiveState", this.unit]);
    const journal = await runCommand("journalctl", ["-u", this.unit, "-n", "50", "--no-pager"]);
    const logTail = (journal.code === 0 ? journal.stdout : `journalctl: ${output(journal)}`).split("\n").filter(Boolean).slice(-200);
    const { mainPid, activeState } = show.code === 0 ? parseSystemctlShow(show.stdout) : { mainPid: 0, activeState: "unknown" };
    const running = activeState === "active" && mainPid > 0;
    let error = this.#error;
    if (error === null && show.code !== 0) error = `systemctl show ${this.unit} failed: ${output(show)}`;
    if (error === null && this.#wanted && !running) error = `${this.unit} is ${activeState} (MainPID ${mainPid}); it is not restarted until the next ha.configure`;
    return {
      mode: "systemd",
      running,
      pid: mainPid > 0 ? mainPid : null,
      configFile: this.configFile,
      startedAt: running ? this.#startedAt : null,
      error,
      logTail,
    };
  }
}
