"use client";
// A director's LVS settings (net.ipv4.vs.*, forwarding, ARP): read all, set one at a time.
import { useSysctls } from "../hooks/use-sysctls.ts";
import { ErrorMessage } from "../ui/error-message.tsx";
import { SysctlRow } from "./sysctl-row.tsx";

export function DirectorSysctls({ director }: { director: string }) {
  const { data, error, isLoading, mutate } = useSysctls(director);
  const entries = data?.entries ?? Object.entries(data?.values ?? {}).map(([name, value]) => ({ name, value }));
  return (
    <section aria-labelledby="sysctls-title" className="flex flex-col gap-2">
      <h2 id="sysctls-title" className="text-lg font-semibold">
        Director settings
      </h2>
      {error ? <ErrorMessage error={error} /> : null}
      {isLoading && <p className="text-sm text-zinc-500">Reading sysctls…</p>}
      {entries.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-sm">
            <thead className="bg-zinc-50 text-left text-xs text-zinc-500 dark:bg-zinc-900">
              <tr>
                <th className="px-2 py-1">Name</th>
                <th className="px-2 py-1">Value</th>
                <th className="px-2 py-1">Default</th>
                <th className="px-2 py-1">
                  <span className="sr-only">Set</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <SysctlRow key={e.name} director={director} entry={e} onChanged={() => void mutate()} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
