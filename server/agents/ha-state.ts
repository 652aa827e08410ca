// What the server knows of one director's HA (keepalived's VRRP through the agent's
// ha.subscribe, protocol/ha.ts): the last HaStatus, or why there is none. An agent without HA
// support answers `unsupported`: that is "no HA" (status "none"), not an error, and nothing is
// retried until the next link. Kept per director across relinks, so a transition that happened
// while the link was down is still noticed (its time is in the agent's transition list).
import type { DirectorHaView, HaLinkStatus, VrrpInstanceView } from "@/protocol/dashboard/index.ts";
import type { HaStatus, VrrpState, VrrpTransition } from "@/protocol/ha.ts";
import { SubscribedState } from "./subscribed-state.ts";

const LOG_TAIL = 20;

export class HaLinkState extends SubscribedState<HaLinkStatus, HaStatus> {
  /** the newest transition time already reported to the listener (ms); null before the first status */
  seenUntil: number | null = null;

  /**
   * Takes a status (the ha.get answer or an event); an older one than the current is ignored.
   * Returns the transitions not seen before (none for the first status this server sees of
   * the director: those happened before it was watching, or were reported by an earlier run).
   */
  apply(s: HaStatus): VrrpTransition[] {
    if (this.last && s.time < this.last.time) return [];
    this.last = s;
    this.status = s.configured ? "active" : "unconfigured";
    this.error = s.keepalived?.error ?? s.sync?.error ?? null;
    const newest = s.transitions.reduce((t, x) => Math.max(t, x.at), 0);
    if (this.seenUntil === null) {
      this.seenUntil = newest;
      return [];
    }
    const since = this.seenUntil;
    this.seenUntil = Math.max(since, newest);
    return s.transitions.filter((t) => t.at > since);
  }

  /** MASTER if any instance is, else the state all share (or the first instance's). */
  role(): VrrpState | null {
    const inst = this.last?.instances ?? [];
    if (inst.length === 0 || this.status !== "active") return null;
    if (inst.some((i) => i.state === "MASTER")) return "MASTER";
    return inst[0]!.state;
  }

  vipsHeld(): string[] {
    if (this.status !== "active") return [];
    return [...new Set((this.last?.instances ?? []).flatMap((i) => i.vipsHeld))].sort();
  }

  view(): DirectorHaView {
    const s = this.status === "active" || this.status === "unconfigured" ? this.last : null;
    const instances: Record<string, VrrpInstanceView> = {};
    for (const i of s?.instances ?? []) {
      instances[i.name] = {
        name: i.name,
        interface: i.interface,
        virtualRouterId: i.virtualRouterId,
        priority: i.priority,
        state: i.state,
        since: i.since,
        vips: i.vips,
        vipsHeld: i.vipsHeld,
      };
    }
    const k = s?.keepalived ?? null;
    return {
      status: this.status,
      error: this.error,
      role: this.role(),
      instances,
      vipsHeld: this.vipsHeld(),
      keepalived: k && {
        mode: k.mode,
        running: k.running,
        pid: k.pid,
        startedAt: k.startedAt,
        error: k.error,
        logTail: k.logTail.slice(-LOG_TAIL),
      },
      lastTransition: s?.transitions.at(-1) ?? null,
      sync: s?.sync
        ? {
            wanted: s.sync.wanted,
            running: [...new Set(s.sync.daemons.map((d) => d.state))].sort(),
            error: s.sync.error,
          }
        : null,
      time: s?.time ?? null,
    };
  }
}
