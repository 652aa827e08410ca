"use client";
// Import ipvsadm rules (pasted or from a file, replace or merge): first a preview of what
// would be added, changed (each field before → after) and removed, then "Apply". The preview
// is the agent's dry run of the very import Apply sends, so it shows the lines that would fail
// too; a new preview clears the old one first. Errors of the parser or the kernel are shown
// verbatim with their line numbers, and the text area numbers its lines to find them. The
// format is ipvsadm -S -n text or a keepalived.conf (whose checkers become the director's
// health checks; keywords not carried are warnings naming their line).
import { type ChangeEvent, useId, useState } from "react";
import { useAction } from "../hooks/use-action.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { useDirectorVersion, withBaseVersion } from "./director-version.ts";
import { LineNumberedText } from "./line-numbered-text.tsx";
import { type ChangeKind, changeDetails, changeRows, countByKind } from "./rules-changes.ts";

type Format = "ipvsadm" | "keepalived";

const KIND_STYLE: Record<ChangeKind, string> = {
  added: "text-emerald-700 dark:text-emerald-400",
  changed: "text-amber-700 dark:text-amber-400",
  removed: "text-red-700 dark:text-red-400",
};

export function RulesImport({ director }: { director: string }) {
  const [text, setText] = useState("");
  const [mode, setMode] = useState<"replace" | "merge">("merge");
  const [format, setFormat] = useState<Format>("ipvsadm");
  // the preview's table: applying after it changed is refused (409) rather than doing
  // something other than what the preview showed
  const version = useDirectorVersion();
  const [previewed, setPreviewed] = useState<{ text: string; mode: string; format: Format; version: string | undefined } | null>(null);
  const ids = { text: useId(), file: useId(), format: useId() };
  const preview = useAction(async () => {
    const r = await api.rules.import({ params: { id: director }, body: { text, mode, format, dryRun: true } });
    setPreviewed({ text, mode, format, version });
    return r;
  });
  const apply = useAction(() => api.rules.import({ params: { id: director }, body: withBaseVersion({ text, mode, format }, previewed?.version) }));
  const rows = preview.result ? changeRows(preview.result.changes) : null;
  const details = preview.result ? preview.result.changes.map(changeDetails) : [];
  const previewErrors = preview.result?.errors ?? [];
  const counts = rows ? countByKind(rows) : null;
  const stale = previewed !== null && (previewed.text !== text || previewed.mode !== mode || previewed.format !== format);
  const warnings = preview.result?.warnings ?? [];

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    if (f) setText(await f.text());
  };

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1">
        <div className="flex items-center gap-2">
          <label htmlFor={ids.text} className="text-xs font-medium">
            {format === "keepalived" ? "keepalived.conf (virtual_server blocks with their checkers)" : "ipvsadm rules (ipvsadm -S -n format)"}
          </label>
          <label htmlFor={ids.format} className="ml-auto text-xs font-medium">
            Format
          </label>
          <select id={ids.format} value={format} onChange={(e) => setFormat(e.target.value as Format)}
            className="rounded-md border border-zinc-300 bg-white px-1 py-0.5 text-xs dark:border-zinc-600 dark:bg-zinc-900">
            <option value="ipvsadm">ipvsadm -S -n</option>
            <option value="keepalived">keepalived.conf</option>
          </select>
        </div>
        <LineNumberedText id={ids.text} value={text} onChange={setText} placeholder={"-A -t 10.0.0.100:80 -s wlc\n-a -t 10.0.0.100:80 -r 10.0.1.11:80 -g -w 1"} />
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <div className="flex items-center gap-2">
          <label htmlFor={ids.file} className="text-xs font-medium">
            Rules file
          </label>
          <input id={ids.file} type="file" accept=".txt,.rules,.conf,text/plain" onChange={onFile} className="text-xs" />
        </div>
        <fieldset className="flex items-center gap-3 text-sm">
          <legend className="sr-only">Import mode</legend>
          {(["merge", "replace"] as const).map((m) => (
            <label key={m} className="flex items-center gap-1">
              <input type="radio" name={`${ids.text}-mode`} value={m} checked={mode === m} onChange={() => setMode(m)} />
              {m === "merge" ? "Merge (add and change only)" : "Replace (also remove what is not in the rules)"}
            </label>
          ))}
        </fieldset>
      </div>
      <div className="flex gap-2">
        <Button busy={preview.busy} disabled={text.trim() === ""} onClick={() => { apply.reset(); preview.reset(); setPreviewed(null); void preview.run(); }}>
          Preview changes
        </Button>
        <Button variant="primary" busy={apply.busy} disabled={!rows || stale || rows.length === 0 || previewErrors.length > 0 || apply.result !== undefined} onClick={() => void apply.run()}>
          Apply
        </Button>
      </div>
      {stale && <p className="text-xs text-amber-700 dark:text-amber-400">The rules, the format or the mode changed since the preview: preview again before applying.</p>}
      <ErrorMessage error={preview.error ?? apply.error} />
      {rows && counts && (
        <section aria-label="Import preview">
          <p className="text-sm">
            <span className={KIND_STYLE.added}>{counts.added} added</span>, <span className={KIND_STYLE.changed}>{counts.changed} changed</span>,{" "}
            <span className={KIND_STYLE.removed}>{counts.removed} removed</span>
          </p>
          <ul className="mt-1 max-h-64 overflow-auto font-mono text-xs">
            {rows.map((r, i) => (
              <li key={`${r.kind}-${r.service}-${r.destination ?? ""}`} className={KIND_STYLE[r.kind]}>
                {r.kind === "added" ? "+" : r.kind === "removed" ? "-" : "~"} {r.what} {r.service}
                {r.destination ? ` → ${r.destination}` : ""}
                {(details[i] ?? []).length > 0 ? `: ${details[i]!.join(", ")}` : ""}
              </li>
            ))}
          </ul>
          {warnings.length > 0 && (
            <div className="mt-2 text-sm" data-testid="import-warnings">
              <p>Not carried (keepalived keywords this product does not support):</p>
              {warnings.map((w) => (
                <p key={`${w.line ?? ""}-${w.message}`} className="font-mono text-xs text-amber-700 dark:text-amber-400">
                  {w.line !== undefined ? `line ${w.line}: ` : ""}
                  {w.message}
                </p>
              ))}
            </div>
          )}
          {previewErrors.length > 0 && (
            <div role="alert" className="mt-2 text-sm">
              <p>Apply would fail on these lines; nothing can be applied until they are fixed:</p>
              {previewErrors.map((e) => (
                <p key={`${e.line ?? ""}-${e.message}`} className="font-mono text-xs text-red-700 dark:text-red-400">
                  {e.line !== undefined ? `line ${e.line}: ` : ""}
                  {e.message}
                </p>
              ))}
            </div>
          )}
        </section>
      )}
      {apply.result && (
        <div role="status" className="text-sm">
          {apply.result.applied ? appliedText((apply.result.changes ?? []).length) : "Nothing was applied."}
          {(apply.result.errors ?? []).map((e) => (
            <p key={`${e.line ?? ""}-${e.message}`} className="font-mono text-xs text-red-700 dark:text-red-400">
              {e.line !== undefined ? `line ${e.line}: ` : ""}
              {e.message}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

const appliedText = (n: number) => `Applied ${n} ${n === 1 ? "change" : "changes"}.`;
