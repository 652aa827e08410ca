"use client";
// Drain jobs: GET /api/drains once, for the rows shown before the live socket's first
// snapshot; from that snapshot on, topic "drains" alone (the server pokes it on every job
// change: countdowns, ETA, status). One source at a time, so nothing is reconciled.
import type { DrainJob, DrainsView } from "@/protocol/dashboard/index.ts";
import { useApi } from "./use-api.ts";
import { sharedLiveClient } from "../live/live-socket.ts";
import { useLiveTopic } from "../live/use-live-topic.ts";
import { topics } from "@/protocol/dashboard/topics.ts";

export function useDrains() {
  const live = useLiveTopic(topics.drains());
  const rest = useApi("GET /api/drains", live.data === undefined ? {} : null);
  const view = live.data ?? rest.data;
  return { jobs: view?.jobs ?? {}, loaded: view !== undefined, error: live.data === undefined ? (rest.error ?? live.error) : live.error };
}

// how far along a job is: an answer is shown once the topic has the job this far
const STAGE: Record<DrainJob["status"], number> = { draining: 0, drained: 1, failed: 2, undrained: 2, removed: 2, interrupted: 2 };

/** Resolves once topic "drains" shows `job` at least as far along as the REST answer did (or
 * after `timeoutMs`), so a drain button stays busy until its row can show the result. */
export function untilLiveShows(job: DrainJob, timeoutMs = 3000): Promise<void> {
  const client = sharedLiveClient();
  const shown = () => {
    const live = (client.getState("drains").data as DrainsView | undefined)?.jobs?.[job.id];
    return live !== undefined && STAGE[live.status] >= STAGE[job.status];
  };
  return new Promise((resolve) => {
    let release = () => {};
    const finish = () => {
      clearTimeout(timer);
      release();
      resolve();
    };
    const timer = setTimeout(finish, timeoutMs);
    release = client.subscribe("drains", () => {
      if (shown()) finish();
    });
    if (shown()) finish();
  });
}
