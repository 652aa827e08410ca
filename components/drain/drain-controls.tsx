"use client";
// Click-to-drain for one real server: "Drain" (weight 0 through the server), a live countdown
// of its active and inactive connections with an ETA, then "Undrain" or "Remove". In a group,
// the same drain on every director of the group. Persistent services get the warning that
// templates keep clients attached, with the sysctl that expires them. A job the server found
// interrupted (the kernel's weight was back above 0) says so and offers Drain again.
import type { DrainJob } from "@/protocol/dashboard/index.ts";
import { useAction } from "../hooks/use-action.ts";
import { untilLiveShows, useDrains } from "../hooks/use-drains.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { drainDisplay, jobFor } from "./drain-state.ts";
import { ExpireTemplatesButton } from "./expire-templates-button.tsx";

export interface DrainControlsProps {
  director: string;
  group: string;
  service: string;
  destination: string;
  drainJobHint?: string | null;
  persistent: boolean;
}

export function DrainControls({ director, group, service, destination, drainJobHint, persistent }: DrainControlsProps) {
  const { jobs } = useDrains();
  const job = jobFor(jobs, director, service, destination, drainJobHint);
  const d = drainDisplay(job, director);
  const start = useAction(async (scope: "director" | "group") => {
    const body = scope === "group" ? { group, service, destination } : { director, service, destination };
    const j = await api.drains.start({ body });
    await untilLiveShows(j);
    return j;
  });
  const jobAction = (act: (args: { params: { job: string } }) => Promise<DrainJob>) => async (id: string) => {
    const j = await act({ params: { job: id } });
    await untilLiveShows(j);
    return j;
  };
  const undrain = useAction(jobAction(api.drains.undrain));
  const remove = useAction(jobAction(api.drains.remove));
  const error = start.error ?? undrain.error ?? remove.error;
  const showPersistNote = persistent && (d.phase === "draining" || d.job?.persistent === true);

  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2">
        {d.phase === "idle" || d.phase === "failed" || d.phase === "interrupted" ? (
          <>
            <Button size="sm" variant="warning" busy={start.busy} onClick={() => void start.run("director")}>
              Drain
            </Button>
            {group && (
              <Button size="sm" busy={start.busy} onClick={() => void start.run("group")}>
                Drain on all directors of {group}
              </Button>
            )}
          </>
        ) : (
          <Button size="sm" busy={undrain.busy} onClick={() => d.job && void undrain.run(d.job.id)}>
            Undrain
          </Button>
        )}
        {d.phase === "drained" && d.job && (
          <Button size="sm" variant="danger" busy={remove.busy} onClick={() => d.job && void remove.run(d.job.id)}>
            Remove
          </Button>
        )}
        <span
          role="status"
          aria-live="polite"
          className={`text-xs tabular-nums ${d.phase === "interrupted" ? "text-amber-800 dark:text-amber-300" : ""}`}
          data-testid="drain-status"
          data-phase={d.phase}
        >
          {d.text}
        </span>
      </div>
      {d.job?.group && d.phase !== "idle" && <span className="text-xs text-zinc-500">group drain on {d.job.group}: {Object.keys(d.job.targets).join(", ")}</span>}
      {showPersistNote && (
        <div className="flex flex-wrap items-center gap-2 text-xs text-amber-800 dark:text-amber-300">
          <span>Persistent service: persistence templates keep clients attached to this server until they expire.</span>
          <ExpireTemplatesButton director={director} />
        </div>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}
