"use client";
// A freshly generated agent token, shown once (the server never returns it again) with the
// command that installs it on the agent host.
import type { IssuedToken } from "@/protocol/dashboard/index.ts";

export function IssuedTokenNotice({ issued, onDone }: { issued: IssuedToken; onDone: () => void }) {
  return (
    <div role="status" className="flex flex-col gap-2 rounded border border-amber-400 bg-amber-50 p-3 text-sm dark:bg-amber-950" data-testid="issued-token">
      <p className="font-medium">Agent token: copy it now, it is not shown again.</p>
      <code className="break-all rounded bg-white px-2 py-1 dark:bg-zinc-900">{issued.token}</code>
      <p>On the agent host (the agent re-reads the file within 2 s):</p>
      <code className="break-all rounded bg-white px-2 py-1 dark:bg-zinc-900">{issued.installCommand}</code>
      <button type="button" className="self-start text-xs underline" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}
