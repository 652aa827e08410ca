// What the drain controls of one real server on one director show, from its drain job (topic
// "drains"). Pure so the countdown's text is tested without a browser.
import type { DrainJob } from "@/protocol/dashboard/index.ts";
import { formatCount, formatEta } from "../lib/format.ts";

/** "interrupted": the server found the kernel's weight back above 0 when it (re)linked (the
 * target's error says what it saw); like idle and failed, the row offers Drain again */
export type DrainPhase = "idle" | "draining" | "drained" | "failed" | "interrupted";

export interface DrainDisplay {
  phase: DrainPhase;
  job: DrainJob | null;
  active: number;
  inactive: number;
  /** "12 active, 3 inactive · ETA 1m 30s", "drained", ... for role="status" */
  text: string;
  error: string | null;
}

/** Jobs that ended by undrain/remove no longer hold the server: it can be drained again. */
export function drainDisplay(job: DrainJob | undefined | null, director: string): DrainDisplay {
  const target = job?.targets?.[director];
  if (!job || !target || target.status === "undrained" || target.status === "removed") {
    return { phase: "idle", job: null, active: 0, inactive: 0, text: "", error: null };
  }
  const active = target.activeConns ?? 0;
  const inactive = target.inactiveConns ?? 0;
  const error = target.error ?? null;
  if (target.status === "failed") return { phase: "failed", job, active, inactive, text: `drain failed${error ? `: ${error}` : ""}`, error };
  if (target.status === "interrupted") return { phase: "interrupted", job, active, inactive, text: `drain interrupted${error ? `: ${error}` : ""}`, error };
  if (target.status === "drained" || active + inactive === 0) return { phase: "drained", job, active: 0, inactive: 0, text: "drained", error };
  const eta = formatEta(job.etaSeconds ?? null, active + inactive);
  return { phase: "draining", job, active, inactive, text: `draining: ${formatCount(active)} active, ${formatCount(inactive)} inactive · ${eta}`, error };
}

/** The newest job that targets this (service, real server) on this director. */
export function jobFor(jobs: Record<string, DrainJob>, director: string, service: string, destination: string, hint?: string | null): DrainJob | undefined {
  if (hint && jobs[hint]?.targets?.[director]) return jobs[hint];
  let best: DrainJob | undefined;
  for (const j of Object.values(jobs)) {
    if (j.service !== service || j.destination !== destination || !j.targets?.[director]) continue;
    if (!best || j.startedAt > best.startedAt) best = j;
  }
  return best;
}
