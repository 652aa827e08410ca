// Drain jobs as JSON rows: written on every status change so that a restarted server resumes
// the jobs that were still draining.
import { DrainJob } from "@/protocol/dashboard/index.ts";
import type { Db } from "./db.ts";

export class DrainStore {
  readonly #db: Db;
  constructor(db: Db) {
    this.#db = db;
  }

  save(job: DrainJob): void {
    this.#db
      .prepare(
        `INSERT INTO drain_jobs (id, job, status, started_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET job = excluded.job, status = excluded.status`,
      )
      .run(job.id, JSON.stringify(job), job.status, job.startedAt);
  }

  /** One job by id (finished ones the drain manager no longer keeps in memory). */
  get(id: string): DrainJob | null {
    const r = this.#db.prepare("SELECT job FROM drain_jobs WHERE id = ?").get(id) as { job: string } | undefined;
    return r ? DrainJob.parse(JSON.parse(r.job)) : null;
  }

  /** Jobs still running or started after `since` (ms). */
  load(since: number): DrainJob[] {
    const rows = this.#db
      // a failed start (rolled back everywhere) is kept as a record only
      .prepare("SELECT job FROM drain_jobs WHERE (status = 'draining' OR status = 'drained' OR started_at >= ?) AND status <> 'failed' ORDER BY started_at")
      .all(since) as { job: string }[];
    return rows.map((r) => DrainJob.parse(JSON.parse(r.job)));
  }
}
