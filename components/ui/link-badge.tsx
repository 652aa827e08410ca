import type { LinkState } from "@/protocol/dashboard/index.ts";

const STYLE: Record<LinkState, string> = {
  online: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200",
  connecting: "bg-amber-100 text-amber-800 dark:bg-amber-900 dark:text-amber-200",
  offline: "bg-red-100 text-red-800 dark:bg-red-900 dark:text-red-200",
  unauthorized: "bg-fuchsia-100 text-fuchsia-800 dark:bg-fuchsia-900 dark:text-fuchsia-200",
  untrusted: "bg-orange-100 text-orange-900 dark:bg-orange-900 dark:text-orange-100",
};

/** A director's link state as a word (never colour alone), with the reason as its title. */
export function LinkBadge({ state, reason }: { state: LinkState; reason?: string | null }) {
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${STYLE[state]}`} title={reason ?? undefined} data-testid="link-state">
      {state}
    </span>
  );
}
