// keepalived's health on one member: nothing when it runs cleanly; otherwise what is wrong
// ("not running", or its error) in an alert, with the tail of its log behind a disclosure.
import type { KeepalivedStatus } from "@/protocol/ha.ts";
import { keepalivedProblem } from "./keepalived-health.ts";

export function KeepalivedProblem({ member, keepalived }: { member: string; keepalived: Pick<KeepalivedStatus, "running" | "error" | "logTail"> | null | undefined }) {
  const problem = keepalivedProblem(keepalived);
  if (!problem) return null;
  const tail = keepalived?.logTail ?? [];
  return (
    <div role="alert" data-testid="keepalived-problem" className="rounded-md border border-red-300 bg-red-50 p-2 text-xs text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
      <p>
        <span className="font-semibold">keepalived on {member}: </span>
        <span className="font-mono break-words whitespace-pre-wrap">{problem}</span>
      </p>
      {tail.length > 0 && (
        <details className="mt-1">
          <summary className="cursor-pointer rounded focus-visible:outline-2 focus-visible:outline-red-600">Log tail ({tail.length} lines)</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded bg-white p-2 font-mono text-[11px] text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100">{tail.join("\n")}</pre>
        </details>
      )}
    </div>
  );
}
