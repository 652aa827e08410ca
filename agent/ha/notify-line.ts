// keepalived's notify_fifo lines, one per state change:
//   INSTANCE "VI_1" MASTER 150      (a vrrp_instance, its new state and priority)
//   GROUP "LVS_FLEET" BACKUP        (a vrrp_sync_group)
// Other lines (the checkers' VS/RS lines, a future keyword) are not ours: parse gives null.
import type { VrrpState } from "@/protocol/ha.ts";

export interface NotifyLine {
  kind: "INSTANCE" | "GROUP";
  name: string;
  state: Exclude<VrrpState, "UNKNOWN">;
  /** INSTANCE lines carry the priority keepalived runs with now */
  priority: number | null;
}

const STATES = new Set(["MASTER", "BACKUP", "FAULT", "STOP"]);
const LINE = /^(INSTANCE|GROUP) "([^"]{1,64})" ([A-Z]+)(?: (\d{1,3}))?\s*$/;

export function parseNotifyLine(line: string): NotifyLine | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const [, kind, name, state, prio] = m as unknown as [string, "INSTANCE" | "GROUP", string, string, string | undefined];
  if (!STATES.has(state)) return null;
  const priority = prio === undefined ? null : Number(prio);
  if (priority !== null && priority > 255) return null;
  return { kind, name, state: state as NotifyLine["state"], priority };
}

export function formatNotifyLine(l: NotifyLine): string {
  return `${l.kind} "${l.name}" ${l.state}${l.priority === null ? "" : ` ${l.priority}`}`;
}

/** Splits a byte stream into lines; the tail without a newline waits for the next chunk. */
export class LineSplitter {
  #rest = "";
  push(chunk: string): string[] {
    const parts = (this.#rest + chunk).split("\n");
    this.#rest = parts.pop() ?? "";
    if (this.#rest.length > 4096) this.#rest = ""; // never a keepalived line: drop, do not grow
    return parts.map((p) => p.replace(/\r$/, ""));
  }
}
