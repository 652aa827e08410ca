// Drain jobs checked against the kernel when a director's link comes (back) online: at the
// server's start and on every relink. A job on record may no longer be what the kernel does:
// its weight put back by hand (ipvsadm -e), by a rules restore or by another server while this
// one was stopped or cut off. Such a target is "interrupted" (with the kernel's weight as the
// reason), one whose real server is gone is "removed", and a job with no target left draining
// or drained ends. Pure: the drain manager saves, audits and publishes what this finds.
import type { DrainJob } from "@/protocol/dashboard/index.ts";
import type { DirectorState } from "../agents/director-state.ts";

export interface Interruption {
  jobId: string;
  director: string;
  service: string;
  destination: string;
  /** the kernel's weight now; null when the real server is not on the director any more */
  kernelWeight: number | null;
  previousWeight: number;
  reason: string;
}

/** Reconciles the job's target on `director` with `state` (fresh from service.list). */
export function reconcileTarget(job: DrainJob, director: string, state: DirectorState, now: number): Interruption | null {
  const t = job.targets[director];
  if (!t || (t.status !== "draining" && t.status !== "drained")) return null;
  const dest = state.services.get(job.service)?.destinations.get(job.destination);
  const kernelWeight = dest ? dest.config.weight : null;
  if (kernelWeight === 0) return null;
  const reason =
    kernelWeight === null
      ? `${job.destination} is no longer a real server of ${job.service} on ${director}`
      : `weight is ${kernelWeight} in the kernel of ${director}, not 0: set outside this drain job`;
  t.status = kernelWeight === null ? "removed" : "interrupted";
  t.error = reason;
  settleJob(job, now);
  return { jobId: job.id, director, service: job.service, destination: job.destination, kernelWeight, previousWeight: t.previousWeight, reason };
}

/**
 * A target is drained at 0/0; the job once no target is still draining: drained if one is
 * (its weight 0 is still held for the operator's undrain or remove), else interrupted if one
 * was, else removed. An ended job gets its finishedAt (the list's TTL counts from it).
 */
export function settleJob(job: DrainJob, now: number): void {
  const ts = Object.values(job.targets);
  for (const t of ts) {
    if (t.status === "draining" && t.activeConns === 0 && t.inactiveConns === 0) t.status = "drained";
  }
  if (job.status !== "draining" && job.status !== "drained") return;
  if (ts.some((t) => t.status === "draining")) return;
  job.etaSeconds = 0;
  if (ts.some((t) => t.status === "drained")) {
    job.status = "drained";
    return;
  }
  job.status = ts.some((t) => t.status === "interrupted") ? "interrupted" : "removed";
  job.finishedAt ??= now;
}
