// The sysctls page's filter and its "differs from the default" test, and the DR readiness
// summary (failures first). Pure, so the rules are unit-tested.
import type { ReadinessEntry, ReadinessView } from "@/protocol/dashboard/index.ts";
import type { SysctlEntry } from "@/protocol/sysctl.ts";

/** `sysctl -n` separates several numbers with tabs; the documented defaults with spaces. */
const normal = (v: string) => v.trim().split(/\s+/).join(" ");

/** true when the kernel default is known and the value is another one. */
export function differsFromDefault(e: SysctlEntry): boolean {
  const d = e.doc?.default;
  return d !== null && d !== undefined && normal(d) !== normal(e.value);
}

/** Rows whose name or meaning contains every word of `text` (case-insensitive), optionally only
 * those that differ from their default. */
export function filterSysctls(entries: readonly SysctlEntry[], text: string, onlyChanged: boolean): SysctlEntry[] {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((e) => {
    if (onlyChanged && !differsFromDefault(e)) return false;
    const hay = `${e.name} ${e.doc?.meaning ?? ""}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** Order of the readiness statuses: what needs the operator first. */
const RANK: Record<ReadinessEntry["status"], number> = { not_ready: 0, error: 1, no_agent: 2, ready: 3 };

export const readinessRank = (e: ReadinessEntry) => RANK[e.status];

/** A service's real servers failures first (then by address), and the service's worst rank. */
export function sortReadiness(v: ReadinessView): { view: ReadinessView; worst: number } {
  const realServers = [...v.realServers].sort((a, b) => readinessRank(a) - readinessRank(b) || a.destination.localeCompare(b.destination));
  return { view: { ...v, realServers }, worst: Math.min(3, ...realServers.map(readinessRank)) };
}

export interface ReadinessSummary {
  total: number;
  ready: number;
  notReady: number;
  failed: number;
  noAgent: number;
  /** "172.16.0.200:80 → 10.0.0.11:80 not ready", failures first */
  problems: string[];
}

export function summarizeReadiness(views: readonly ReadinessView[]): ReadinessSummary {
  const s: ReadinessSummary = { total: 0, ready: 0, notReady: 0, failed: 0, noAgent: 0, problems: [] };
  const problems: { rank: number; text: string }[] = [];
  for (const v of views) {
    for (const e of v.realServers) {
      s.total++;
      if (e.status === "ready") s.ready++;
      else if (e.status === "not_ready") s.notReady++;
      else if (e.status === "error") s.failed++;
      else s.noAgent++;
      if (e.status !== "ready") {
        const what = e.status === "not_ready" ? "not ready" : e.status === "error" ? `check failed${e.error ? `: ${e.error}` : ""}` : "no realserver agent";
        problems.push({ rank: readinessRank(e), text: `${v.service} → ${e.destination}: ${what}` });
      }
    }
  }
  s.problems = problems.sort((a, b) => a.rank - b.rank || a.text.localeCompare(b.text)).map((p) => p.text);
  return s;
}
