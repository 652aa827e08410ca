// How a VRRP state looks on the dashboard (badge colour, a glyph and the word, so it is never
// colour alone) and what the operator reads from a pair's instances: which member holds each
// VIP, and when the current state began. Pure so that the unit tests check the same rules the
// fleet blocks, the director header and the group page render.
import type { HaLinkStatus } from "@/protocol/dashboard/index.ts";
import type { HaInstanceStatus, VrrpState } from "@/protocol/ha.ts";

export interface VrrpBadge {
  /** the state's word, shown on the badge */
  label: VrrpState;
  /** a shape that differs per state (aria-hidden: the word carries the meaning) */
  glyph: string;
  /** Tailwind classes for both themes; text/background pairs of at least 4.5:1 */
  className: string;
  /** what the state means, for the badge's title and screen readers */
  description: string;
}

const BADGES: Record<VrrpState, Omit<VrrpBadge, "label">> = {
  MASTER: {
    glyph: "●",
    className: "bg-emerald-100 text-emerald-900 ring-emerald-600 dark:bg-emerald-900 dark:text-emerald-100 dark:ring-emerald-400",
    description: "holds the virtual IPs and answers for them",
  },
  BACKUP: {
    glyph: "○",
    className: "bg-sky-100 text-sky-900 ring-sky-600 dark:bg-sky-900 dark:text-sky-100 dark:ring-sky-400",
    description: "standby: takes the virtual IPs over when the master stops advertising",
  },
  FAULT: {
    glyph: "✕",
    className: "bg-red-100 text-red-900 ring-red-600 dark:bg-red-900 dark:text-red-100 dark:ring-red-400",
    description: "a tracked interface or check failed: holds no virtual IP and cannot take over",
  },
  STOP: {
    glyph: "■",
    className: "bg-zinc-200 text-zinc-900 ring-zinc-500 dark:bg-zinc-700 dark:text-zinc-100 dark:ring-zinc-400",
    description: "keepalived stopped this instance: it takes no part in VRRP",
  },
  UNKNOWN: {
    glyph: "?",
    className: "bg-amber-100 text-amber-900 ring-amber-600 dark:bg-amber-900 dark:text-amber-100 dark:ring-amber-400",
    description: "no state reported yet (keepalived not started, or the agent not connected)",
  },
};

export function vrrpBadge(state: VrrpState | undefined | null): VrrpBadge {
  const label = state ?? "UNKNOWN";
  // an unexpected word from a newer server still gets a badge rather than a crash
  const b = BADGES[label] ?? BADGES.UNKNOWN;
  return { label, ...b };
}

export interface VipOwnership {
  /** "address/prefix" as keepalived's config names it */
  vip: string;
  /** members that have it bound now; exactly one is healthy */
  holders: string[];
  /** nobody holds it (no MASTER), or more than one does (split brain) */
  problem: "unheld" | "split" | null;
}

export interface MemberInstances {
  member: string;
  instances: readonly Pick<HaInstanceStatus, "vips" | "vipsHeld">[];
}

/** Every VIP configured on any member, in first-seen order, with the members holding it. */
export function vipOwnership(members: readonly MemberInstances[]): VipOwnership[] {
  const byVip = new Map<string, string[]>();
  for (const m of members) {
    for (const inst of m.instances) {
      for (const vip of inst.vips) if (!byVip.has(vip)) byVip.set(vip, []);
      for (const vip of inst.vipsHeld) {
        const holders = byVip.get(vip) ?? [];
        if (!holders.includes(m.member)) holders.push(m.member);
        byVip.set(vip, holders);
      }
    }
  }
  return [...byVip.entries()].map(([vip, holders]) => ({
    vip,
    holders,
    problem: holders.length === 0 ? "unheld" : holders.length > 1 ? "split" : null,
  }));
}

/** The latest `since` over a member's instances: when it last changed state (null: never). */
export function lastChange(instances: readonly Pick<HaInstanceStatus, "since">[]): number | null {
  let last: number | null = null;
  for (const i of instances) if (i.since !== null && (last === null || i.since > last)) last = i.since;
  return last;
}

/** What a director's HA status says when there is no live VRRP state to show (null: there is). */
export function haStatusNote(status: HaLinkStatus, error: string | null): string | null {
  switch (status) {
    case "pending":
      return "VRRP: waiting for the agent's first HA status…";
    case "unconfigured":
      return "VRRP: the agent supports HA but has no spec (keepalived not configured)";
    case "error":
      return `VRRP state unavailable: ${error ?? "the agent's HA subscription failed"}`;
    case "none":
      return "no HA support on this agent";
    default:
      return null;
  }
}
