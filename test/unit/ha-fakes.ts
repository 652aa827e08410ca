// Fakes for the HA manager's unit tests: a keepalived runner that records what it was asked
// and can "die", and an `ip` that answers `-j addr show` from a mutable interface list.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { KeepalivedRunner } from "@/agent/ha/keepalived-runner.ts";
import type { RunIp } from "@/agent/realserver/ip-command.ts";
import type { KeepalivedStatus } from "@/protocol/ha.ts";

export class FakeRunner implements KeepalivedRunner {
  readonly mode = "managed" as const;
  readonly calls: string[] = [];
  running = false;
  error: string | null = null;
  readonly #listeners: (() => void)[] = [];
  constructor(readonly configFile: string) {}
  onChange(l: () => void): void {
    this.#listeners.push(l);
  }
  async apply(): Promise<void> {
    this.calls.push(this.running ? "reload" : "start");
    this.running = true;
    this.error = null;
  }
  async stop(): Promise<void> {
    this.calls.push("stop");
    this.running = false;
  }
  /** keepalived killed from outside */
  die(why: string): void {
    this.running = false;
    this.error = why;
    for (const l of this.#listeners) l();
  }
  async status(): Promise<KeepalivedStatus> {
    return { mode: "managed", running: this.running, pid: this.running ? 4242 : null, configFile: this.configFile, startedAt: null, error: this.error, logTail: ["fake log line"] };
  }
}

export interface FakeLink {
  ifname: string;
  addrs: { family: "inet" | "inet6"; local: string; prefixlen: number }[];
}

export function fakeIp(links: FakeLink[]): { run: RunIp; links: FakeLink[] } {
  const run: RunIp = async (args) => {
    if (args.join(" ") !== "-j addr show") throw new Error(`fake ip: unexpected argv ${args.join(" ")}`);
    return JSON.stringify(links.map((l) => ({ ifname: l.ifname, flags: ["BROADCAST", "MULTICAST", "UP"], addr_info: l.addrs })));
  };
  return { run, links };
}

/** A shell script standing in for `keepalived -t`: prints `output` and exits `code`. */
export function fakeConfigTest(dir: string, output = "", code = 0): string {
  const p = join(dir, `keepalived-t-${code}-${output.length}`);
  writeFileSync(`${p}.out`, output);
  writeFileSync(p, `#!/bin/sh\ncat '${p}.out' >&2\nexit ${code}\n`);
  chmodSync(p, 0o755);
  return p;
}
