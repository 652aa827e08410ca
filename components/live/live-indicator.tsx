"use client";
// The header's dot: whether the live socket is up, so stale numbers are never mistaken for live.
import { useLiveRefusal, useLiveStatus } from "./use-live-topic.ts";

const LABEL = { open: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", refused: "Too many tabs" } as const;
const DOT = { open: "bg-emerald-500", connecting: "bg-amber-400", reconnecting: "bg-red-500", refused: "bg-red-500" } as const;

export function LiveIndicator() {
  const status = useLiveStatus();
  const refusal = useLiveRefusal();
  const title = status === "refused" ? `${refusal ?? "refused"}: close another tab of this dashboard; retrying every 30 s` : undefined;
  return (
    <span className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-400" data-testid="live-status" title={title}>
      <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${DOT[status]}`} />
      {LABEL[status]}
    </span>
  );
}
