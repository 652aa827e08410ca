// What the HA manager needs from "a keepalived": start it or make it re-read its config, stop
// it, say how it is. Two implementations: a child process of the agent (managed.ts) and the
// system's keepalived unit (systemd.ts). Neither restarts a keepalived that died: the death is
// reported (onChange, status().error) and the next ha.configure starts it again.
import type { KeepalivedStatus } from "@/protocol/ha.ts";

export interface KeepalivedRunner {
  readonly mode: KeepalivedStatus["mode"];
  readonly configFile: string;
  /** the config file is written: start keepalived, or reload it when it runs */
  apply(): Promise<void>;
  stop(): Promise<void>;
  status(): Promise<KeepalivedStatus>;
  /** called when keepalived's state changes by itself (it died, the unit failed) */
  onChange(listener: () => void): void;
}

/** The last `max` lines of a process's output, in order. */
export class LogTail {
  readonly #lines: string[] = [];
  #partial = "";
  constructor(readonly max = 200) {}

  push(chunk: string): void {
    const parts = (this.#partial + chunk).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const p of parts) this.add(p);
  }
  add(line: string): void {
    this.#lines.push(line.length > 1000 ? `${line.slice(0, 1000)}...` : line);
    if (this.#lines.length > this.max) this.#lines.splice(0, this.#lines.length - this.max);
  }
  lines(): string[] {
    const out = this.#partial ? [...this.#lines, this.#partial] : [...this.#lines];
    return out.slice(-this.max);
  }
}
