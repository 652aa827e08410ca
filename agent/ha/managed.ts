// keepalived as a child of the agent: `keepalived --dont-fork --log-console --no-syslog --vrrp
// --use-file F --pid P --vrrp_pid P2` (2.2.7's option names), its console output kept as the
// log tail, SIGHUP to reload, SIGTERM to stop (keepalived then releases its VIPs). A
// keepalived that exits by itself is reported, never restarted here.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { KeepalivedStatus } from "@/protocol/ha.ts";
import { type KeepalivedRunner, LogTail } from "./keepalived-runner.ts";

export interface ManagedOptions {
  bin: string;
  /** config, pid files (and the fifo, chosen by the manager) */
  dir: string;
  /** an exit within this long of the start counts as "failed to start" */
  startGraceMs?: number;
}

export class ManagedKeepalived implements KeepalivedRunner {
  readonly mode = "managed" as const;
  readonly configFile: string;
  readonly pidFile: string;
  readonly vrrpPidFile: string;
  readonly #log = new LogTail(200);
  readonly #listeners = new Set<() => void>();
  #child: ChildProcess | null = null;
  #startedAt: number | null = null;
  #error: string | null = null;
  #stopping = false;

  constructor(private readonly o: ManagedOptions) {
    this.configFile = join(o.dir, "keepalived.conf");
    this.pidFile = join(o.dir, "keepalived.pid");
    this.vrrpPidFile = join(o.dir, "vrrp.pid");
  }

  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }
  #changed(): void {
    for (const l of this.#listeners) l();
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  async apply(): Promise<void> {
    if (this.#child) {
      this.#log.add(`lvs-agent: config rewritten, SIGHUP to keepalived ${this.#child.pid}`);
      this.#child.kill("SIGHUP");
      return;
    }
    await this.#killStale();
    await this.#start();
  }

  /** A keepalived left by an agent that was killed (same pid file): stopped before ours starts. */
  async #killStale(): Promise<void> {
    const pid = Number((await readFile(this.pidFile, "utf8").catch(() => "")).trim());
    if (!Number.isInteger(pid) || pid <= 1) return;
    const comm = (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")).trim();
    if (comm !== "keepalived") return;
    this.#log.add(`lvs-agent: stopping keepalived ${pid} left by an earlier agent`);
    process.kill(pid, "SIGTERM");
    for (let i = 0; i < 100 && (await readFile(`/proc/${pid}/comm`, "utf8").catch(() => "")) !== ""; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  #start(): Promise<void> {
    const argv = ["--dont-fork", "--log-console", "--no-syslog", "--vrrp", "--use-file", this.configFile, "--pid", this.pidFile, "--vrrp_pid", this.vrrpPidFile];
    this.#log.add(`lvs-agent: starting ${this.o.bin} ${argv.join(" ")}`);
    this.#error = null;
    this.#stopping = false;
    const started = Date.now();
    const child = spawn(this.o.bin, argv, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    this.#startedAt = started;
    child.stdout?.setEncoding("utf8").on("data", (c: string) => this.#log.push(c));
    child.stderr?.setEncoding("utf8").on("data", (c: string) => this.#log.push(c));
    return new Promise<void>((resolve) => {
      let settled = false;
      const settle = () => {
        if (!settled) {
          settled = true;
          resolve();
        }
      };
      child.once("spawn", settle);
      child.once("error", (e) => {
        this.#error = `keepalived could not be started (${this.o.bin}): ${e.message}`;
        this.#log.add(`lvs-agent: ${this.#error}`);
        this.#child = null;
        this.#startedAt = null;
        settle();
        this.#changed();
      });
      child.once("exit", (code, signal) => {
        if (this.#child !== child) return;
        this.#child = null;
        this.#startedAt = null;
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        const early = Date.now() - started < (this.o.startGraceMs ?? 3000);
        if (!this.#stopping) {
          this.#error = early ? `keepalived failed to start: it ${how}` : `keepalived ${how}; it is not restarted until the next ha.configure`;
          this.#log.add(`lvs-agent: ${this.#error}`);
        }
        settle();
        this.#changed();
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#stopping = true;
    const gone = new Promise<void>((r) => child.once("exit", () => r()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
    this.#log.add("lvs-agent: keepalived stopped");
  }

  async status(): Promise<KeepalivedStatus> {
    return {
      mode: "managed",
      running: this.#child !== null,
      pid: this.#child?.pid ?? null,
      configFile: this.configFile,
      startedAt: this.#startedAt,
      error: this.#error,
      logTail: this.#log.lines(),
    };
  }
}
