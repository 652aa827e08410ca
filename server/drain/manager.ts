// Drain jobs: set a real server's weight to 0 on one director (or on every director of a
// group that has that service and real server, naming the members that do not in `skipped`,
// and rolling back those already drained if one fails), follow its active/inactive connections from the stats events, and mark it drained
// when both reach 0 everywhere. Undrain restores each previous weight; remove deletes the
// real server once drained. Jobs are persisted on every status change, so a restarted
// server resumes following the ones still draining, once each director's link is online and
// its kernel agrees (reconcile.ts: a weight put back meanwhile interrupts the job, audited as
// drain.interrupted). The ETA is eta.ts's; ended jobs leave the list FINISHED_DRAIN_TTL_MS
// after they ended.
import { randomUUID } from "node:crypto";
import {
  type DrainJob,
  type DrainRequest,
  type DrainsView,
  destinationKeyString,
  parseDestinationKeyString,
  parseServiceKeyString,
  serviceKeyString,
} from "@/protocol/dashboard/index.ts";
import { FINISHED_DRAIN_TTL_MS } from "@/protocol/dashboard/drains.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { DirectorState } from "../agents/director-state.ts";
import type { Fleet } from "../agents/fleet.ts";
import { LIMITS, type LimitCounters } from "../limits.ts";
import type { AuditLog } from "../store/audit.ts";
import type { DrainStore } from "../store/drains.ts";
import { type EtaState, etaStep, tailBoundOf } from "./eta.ts";
import { type Interruption, reconcileTarget, settleJob } from "./reconcile.ts";
import { actOnTargets, chooseTargets, knownTarget, restoreWeights, zeroWeight } from "./targets.ts";

export interface DrainManagerOptions {
  /** finished jobs kept in memory (default LIMITS.finishedDrainJobs); the oldest finished
   * beyond it, or finished more than finishedTtlMs ago, are read from SQLite when asked for */
  maxFinishedJobs?: number;
  /** how long an ended job stays in the list (default FINISHED_DRAIN_TTL_MS) */
  finishedTtlMs?: number;
  /** unused since the ETA keeps O(1) state per job (eta.ts); accepted for old callers */
  maxSamplesPerJob?: number;
  counters?: LimitCounters;
  /** where drain.interrupted is recorded (the server's audit log) */
  audit?: Pick<AuditLog, "record">;
}

/** Answers that say the agent did not make the change; anything else (timeout, unavailable,
 * internal) leaves it unknown. */
const REFUSALS: ReadonlySet<string> = new Set(["bad_request", "not_found", "conflict", "forbidden", "kernel_error", "unsupported", "too_large", "version_mismatch"]);

export class DrainManager {
  readonly #jobs = new Map<string, DrainJob>();
  readonly #eta = new Map<string, EtaState>();
  /** jobs whose targets are still being set: not followed or settled yet */
  readonly #starting = new Set<string>();
  /** jobs being undrained or removed: their weights change under the reconcile's eyes */
  readonly #busy = new Set<string>();
  /** per director, the link (and its online-since) last reconciled: once per (re)link */
  readonly #reconciled = new Map<string, { link: unknown; since: number }>();
  readonly #maxFinished: number;
  readonly #ttlMs: number;
  readonly #counters: LimitCounters | undefined;
  readonly #audit: Pick<AuditLog, "record"> | undefined;

  constructor(
    readonly fleet: Fleet,
    readonly store: DrainStore,
    /** a job changed (for the live hub); `finished` names a job that just became drained */
    readonly onChange: (job: DrainJob) => void,
    opts: DrainManagerOptions = {},
  ) {
    this.#maxFinished = opts.maxFinishedJobs ?? LIMITS.finishedDrainJobs;
    this.#ttlMs = opts.finishedTtlMs ?? FINISHED_DRAIN_TTL_MS;
    this.#counters = opts.counters;
    this.#audit = opts.audit;
    for (const job of store.load(Date.now() - this.#ttlMs)) this.#jobs.set(job.id, job);
    this.#evictFinished();
  }

  /** Jobs in memory (running, drained, and at most maxFinishedJobs finished ones). */
  get size(): number {
    return this.#jobs.size;
  }

  /** A job in memory, or a finished one from SQLite (evicted, or from an earlier run). */
  get(id: string): DrainJob {
    const j = this.#jobs.get(id) ?? this.store.get(id);
    if (!j) throw new ProtocolError("not_found", `no drain job "${id}"`);
    return j;
  }

  view(now = Date.now()): DrainsView {
    const jobs: DrainsView["jobs"] = {};
    for (const j of this.#jobs.values()) {
      if (j.finishedAt === null || now - j.finishedAt < this.#ttlMs) jobs[j.id] = j;
      // not shown any more: only SQLite keeps it
      else this.#forget(j.id);
    }
    return { jobs };
  }

  #forget(id: string): void {
    this.#jobs.delete(id);
    this.#eta.delete(id);
  }

  /** Finished jobs beyond the cap leave memory, oldest finished first (they stay in SQLite).
   * Running and drained jobs are the operator's work in progress and are never evicted. */
  #evictFinished(): void {
    const finished = [...this.#jobs.values()].filter((j) => j.finishedAt !== null);
    const over = finished.length - this.#maxFinished;
    if (over <= 0) return;
    finished.sort((a, b) => a.finishedAt! - b.finishedAt!);
    for (const j of finished.slice(0, over)) this.#forget(j.id);
    this.#counters?.evicted("drain_jobs", over);
  }

  /** The running or drained job touching this real server, if any. */
  jobOf(director: string, service: string, destination: string): string | null {
    for (const j of this.#jobs.values()) {
      if ((j.status === "draining" || j.status === "drained") && j.service === service && j.destination === destination && j.targets[director]) {
        return j.id;
      }
    }
    return null;
  }

  async start(req: DrainRequest): Promise<DrainJob> {
    const svcKey = parseServiceKeyString(req.service);
    const destKey = parseDestinationKeyString(req.destination);
    if (!svcKey) throw new ProtocolError("bad_request", `"${req.service}" is not a service key`);
    if (!destKey) throw new ProtocolError("bad_request", `"${req.destination}" is not a real server key`);
    const service = serviceKeyString(svcKey);
    const destination = destinationKeyString(destKey);
    const { targets, skipped } = chooseTargets(this.fleet, req, service, destination);
    for (const t of targets) {
      const other = this.jobOf(t.id, service, destination);
      if (other) throw new ProtocolError("conflict", `${destination} of ${service} on ${t.id} is already in drain job ${other}`);
      if (!t.online) throw new ProtocolError("unavailable", `director ${t.id} is ${t.link}: nothing was changed`);
    }
    const job: DrainJob = {
      id: randomUUID(),
      group: req.group ?? null,
      service,
      destination,
      targets: {},
      status: "draining",
      startedAt: Date.now(),
      finishedAt: null,
      etaSeconds: null,
      persistent: false,
      ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
    };
    // saved (and known, so a second drain of the same real server conflicts) before the first
    // change: whatever happens part-way, every target touched is on record
    this.#jobs.set(job.id, job);
    this.#starting.add(job.id);
    this.#save(job);
    const touched: (typeof targets)[number][] = [];
    try {
      for (const link of targets) {
        const known = link.state.services.get(service);
        if (known && known.config.persistence !== null) job.persistent = true;
        const target = knownTarget(link, service, destination);
        job.targets[link.id] = target;
        // tracked before the request: a timeout or a link lost after sending leaves the
        // weight unknown, and that target is put back (or kept on record) like the others
        touched.push(link);
        this.#save(job);
        try {
          await zeroWeight(link, svcKey, destKey, target);
        } catch (err) {
          // a definite refusal (the kernel said no) changed nothing there: nothing to put back
          if (err instanceof ProtocolError && REFUSALS.has(err.code)) {
            touched.pop();
            delete job.targets[link.id];
            if (err.code === "not_found") throw new ProtocolError("not_found", `director ${link.id} has no real server ${destination} in ${service}`);
          }
          throw err;
        }
      }
    } catch (err) {
      this.#starting.delete(job.id);
      throw await this.#rollBack(job, touched, err, svcKey, destKey);
    }
    this.#starting.delete(job.id);
    settleJob(job, Date.now());
    this.#save(job);
    return job;
  }

  /** All or nothing: every touched target gets its previous weight back. A target whose
   * restore fails stays in the job (draining, with the error) for the operator's undrain;
   * otherwise the job ends as failed. Returns the error to throw. */
  async #rollBack(job: DrainJob, touched: ReturnType<Fleet["get"]>[], err: unknown, svcKey: ServiceKey, destKey: DestinationKey): Promise<unknown> {
    const rollbackErrors = await restoreWeights(job, touched, svcKey, destKey);
    if (rollbackErrors.length === 0) {
      // stored as failed (the record of what was tried); nothing left to show or follow
      job.status = "failed";
      job.finishedAt = Date.now();
      this.#jobs.delete(job.id);
    }
    this.#save(job);
    this.onChange(job);
    if (rollbackErrors.length > 0 && err instanceof ProtocolError) {
      return new ProtocolError(err.code, `${err.message}; rollback failed on ${rollbackErrors.join(", ")} (kept in drain job ${job.id})`, { ...(err.details as object), job: job.id });
    }
    return err;
  }

  /** Stats of one director: the first after each (re)link reconciles its jobs with the
   * kernel; every one follows the counts of its running targets. */
  onStats(director: string, state: DirectorState, now = Date.now()): void {
    const link = this.fleet.find(director);
    const seen = this.#reconciled.get(director);
    if (link?.online && (seen?.link !== link || seen.since !== link.since)) {
      this.#reconciled.set(director, { link, since: link.since });
      this.reconcile(director, state, now);
    }
    for (const job of this.#jobs.values()) {
      const target = job.targets[director];
      if (job.status !== "draining" || !target || target.status !== "draining" || this.#starting.has(job.id)) continue;
      const dest = state.services.get(job.service)?.destinations.get(job.destination);
      if (dest) {
        target.activeConns = dest.traffic.activeConns;
        target.inactiveConns = dest.traffic.inactiveConns;
      } else {
        target.status = "removed";
        target.error = "the real server is no longer on the director";
      }
      const running = Object.values(job.targets).filter((t) => t.status === "draining");
      const counts = { t: now, active: running.reduce((n, t) => n + t.activeConns, 0), inactive: running.reduce((n, t) => n + t.inactiveConns, 0) };
      const eta = etaStep(this.#eta.get(job.id) ?? null, counts, tailBoundOf(job.service));
      this.#eta.set(job.id, eta);
      job.etaSeconds = eta.eta;
      const before = job.status;
      settleJob(job, now);
      // the countdown is over: its state is not needed any more
      if (job.status !== "draining") this.#eta.delete(job.id);
      if (job.status !== before || target.status !== "draining") this.#save(job);
      this.onChange(job);
    }
  }

  /**
   * The director's running and drained jobs against its kernel (`state` fresh from the link's
   * service.list): a weight that is not 0 interrupts the target, saved, audited
   * (drain.interrupted, user "system", the reason and weights) and published. Jobs being
   * started, undrained or removed are left alone: their weights are changing on purpose.
   */
  reconcile(director: string, state: DirectorState, now = Date.now()): Interruption[] {
    const found: Interruption[] = [];
    for (const job of this.#jobs.values()) {
      if (this.#starting.has(job.id) || this.#busy.has(job.id)) continue;
      const i = reconcileTarget(job, director, state, now);
      if (!i) continue;
      found.push(i);
      if (job.status !== "draining") this.#eta.delete(job.id);
      this.#save(job);
      this.onChange(job);
      this.#audit?.record(
        { user: "system", action: "drain.interrupted", director, target: `${job.service} ${job.destination}`, request: { job: job.id, previousWeight: i.previousWeight } },
        true,
        { status: job.targets[director]!.status, kernelWeight: i.kernelWeight, reason: i.reason },
        now,
      );
    }
    if (found.length > 0) this.#evictFinished();
    return found;
  }

  #save(job: DrainJob): void {
    this.store.save(job);
  }

  #keys(job: DrainJob): { svcKey: ServiceKey; destKey: DestinationKey } {
    return { svcKey: parseServiceKeyString(job.service)!, destKey: parseDestinationKeyString(job.destination)! };
  }

  /** Restores each target's previous weight. */
  async undrain(id: string): Promise<DrainJob> {
    const job = this.get(id);
    if (job.status !== "draining" && job.status !== "drained") {
      throw new ProtocolError("conflict", `drain job ${id} is ${job.status}`);
    }
    return this.#forEachTarget(job, "undrained", (link, svcKey, destKey, t) =>
      link.updateDestination({ service: svcKey, key: destKey, config: { weight: t.previousWeight } }),
    );
  }

  /** Deletes the real server on every target; only once the job is drained. */
  async remove(id: string): Promise<DrainJob> {
    const job = this.get(id);
    if (job.status !== "drained") {
      throw new ProtocolError("conflict", `drain job ${id} is ${job.status}: remove only after it is drained`);
    }
    return this.#forEachTarget(job, "removed", (link, svcKey, destKey) =>
      link.request("dest.delete", { service: svcKey, key: destKey }),
    );
  }

  async #forEachTarget(
    job: DrainJob,
    status: "undrained" | "removed",
    act: (
      link: ReturnType<Fleet["get"]>,
      svcKey: ServiceKey,
      destKey: DestinationKey,
      t: DrainJob["targets"][string],
    ) => Promise<unknown>,
  ): Promise<DrainJob> {
    const { svcKey, destKey } = this.#keys(job);
    this.#busy.add(job.id);
    let outcome: Awaited<ReturnType<typeof actOnTargets>>;
    try {
      outcome = await actOnTargets(this.fleet, job, status, (link, t) => act(link, svcKey, destKey, t));
    } finally {
      this.#busy.delete(job.id);
    }
    const { errors, firstError } = outcome;
    if (errors.length === 0) {
      job.status = status;
      job.finishedAt = Date.now();
      this.#eta.delete(job.id);
    }
    this.#save(job);
    if (errors.length === 0) this.#evictFinished();
    this.onChange(job);
    if (errors.length > 0) {
      // the job stays as it was on the failed directors: the operator can retry
      const verb = status === "undrained" ? "undrain" : "remove";
      throw new ProtocolError(firstError?.code ?? "internal", `${verb} failed on ${errors.join("; ")}`, firstError?.details);
    }
    return job;
  }
}
