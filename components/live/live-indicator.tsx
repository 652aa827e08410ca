"use client";
// The header's dot: whether the live socket is up, so stale numbers are never mistaken for live.
// The page's live client opens its socket only when a view subscribes to a topic: on a page
// without live views (users, account, audit) it stays "connecting" for good, so that state
// reads "Not live" (true on such a page, and on a live page until the socket opens) rather
// than a "Connecting…" that never ends.
import { useLiveRefusal, useLiveStatus } from "./use-live-topic.ts";

const LABEL = { open: "Live", connecting: "Not live", reconnecting: "Reconnecting…", refused: "Too many tabs" } as const;
const DOT = { open: "bg-emerald-500", connecting: "bg-zinc-400", reconnecting: "bg-red-500", refused: "bg-red-500" } as const;
const TITLE = { connecting: "No live updates on this page (yet): the numbers shown come from the last request" } as const;

export function LiveIndicator() {
  const status = useLiveStatus();
  const refusal = useLiveRefusal();
  const title =
    status === "refused"
      ? `${refusal ?? "refused"}: close another tab of this dashboard; retrying every 30 s`
      : status === "connecting"
        ? TITLE.connecting
        : undefined;
  return (
    <span
      className="flex items-center gap-1.5 text-xs text-zinc-600 dark:text-zinc-300"
      data-testid="live-status"
      data-status={status}
      title={title}
    >
      <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${DOT[status]}`} />
      {LABEL[status]}
    </span>
  );
}
