"use client";
// A director's LVS settings (net.ipv4.vs.*, forwarding, ARP): read all, set one at a time.
// A filter narrows the rows by name or meaning; values that differ from the kernel default
// are highlighted and can be listed alone.
import { useId, useState } from "react";
import { useSysctls } from "../hooks/use-sysctls.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { differsFromDefault, filterSysctls } from "./sysctl-filter.ts";
import { SysctlRow } from "./sysctl-row.tsx";
import { Table, TBody, Th, THead, Tr } from "../ui/table.tsx";

export function DirectorSysctls({ director }: { director: string }) {
  const { data, error, isLoading, mutate } = useSysctls(director);
  const [text, setText] = useState("");
  const [onlyChanged, setOnlyChanged] = useState(false);
  const ids = { filter: useId(), changed: useId() };
  const entries = data?.entries ?? Object.entries(data?.values ?? {}).map(([name, value]) => ({ name, value }));
  const shown = filterSysctls(entries, text, onlyChanged);
  const changed = entries.filter(differsFromDefault).length;
  return (
    <section aria-labelledby="sysctls-title" className="flex flex-col gap-2">
      <h2 id="sysctls-title" className="text-lg font-semibold">
        Director settings
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Reading sysctls…</p>}
      {entries.length > 0 && (
        <>
          <div className="flex flex-wrap items-end gap-4 text-sm">
            <div className="flex flex-col gap-1">
              <label htmlFor={ids.filter} className="text-xs font-medium text-zinc-700 dark:text-zinc-300">
                Filter settings
              </label>
              <input
                id={ids.filter}
                type="search"
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder="name or meaning, e.g. arp"
                className="h-8 w-64 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-600 dark:bg-zinc-900"
              />
            </div>
            <div className="flex items-center gap-2 pb-1.5">
              <input id={ids.changed} type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.target.checked)} />
              <label htmlFor={ids.changed}>Only values that differ from the default</label>
            </div>
            <p className="pb-1.5 text-xs text-zinc-600 dark:text-zinc-400" role="status" data-testid="sysctl-count">
              showing {shown.length} of {entries.length}; {changed} differ from the default
            </p>
          </div>
          <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
            <Table>
              <THead>
                <Tr bare>
                  <Th>Name</Th>
                  <Th>Value</Th>
                  <Th>Default</Th>
                  <Th>
                    <span className="sr-only">Set</span>
                  </Th>
                </Tr>
              </THead>
              <TBody>
                {shown.map((e) => (
                  <SysctlRow key={e.name} director={director} entry={e} differs={differsFromDefault(e)} onChanged={() => void mutate()} />
                ))}
              </TBody>
            </Table>
            {shown.length === 0 && <p className="px-2 py-3 text-sm text-zinc-500">No setting matches the filter.</p>}
          </div>
        </>
      )}
    </section>
  );
}
