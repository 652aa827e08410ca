"use client";
// One sysctl of a director: its value (editable), meaning and kernel default, with "Apply"
// (optionally persisted to /etc/sysctl.d/ by the agent).
import { useEffect, useId, useState } from "react";
import type { SysctlEntry, } from "@/protocol/sysctl.ts";
import { useAction } from "../hooks/use-action.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { checkSysctlValue, describeRule } from "./sysctl-check.ts";
import { useCan } from "../auth/session.tsx";
import { Td, Tr } from "../ui/table.tsx";

export function SysctlRow({ director, entry, differs = false, onChanged }: { director: string; entry: SysctlEntry; differs?: boolean; onChanged: () => void }) {
  const canOperate = useCan("operator");
  const [value, setValue] = useState(entry.value);
  const [persist, setPersist] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  // the value read back after a change (or changed elsewhere) replaces the input's text
  useEffect(() => setValue(entry.value), [entry.value]);
  const ids = { value: useId(), persist: useId() };
  const action = useAction(async () => {
    const r = await api.sysctls.set({ params: { id: director }, body: { name: entry.name, value: value.trim(), persist } });
    onChanged();
    return r;
  });
  const apply = () => {
    const problem = checkSysctlValue(entry.doc?.rule, value);
    setInvalid(problem);
    if (!problem) void action.run();
  };
  const changed = value.trim() !== entry.value.trim();
  return (
    <Tr
      className={`align-top ${differs ? "bg-amber-50 dark:bg-amber-950/40" : ""}`}
      data-testid={`sysctl-${entry.name}`}
      data-differs={differs ? "true" : undefined}
    >
      <Td>
        <label htmlFor={ids.value} className="font-mono text-xs">
          {entry.name}
        </label>
        {entry.doc && <p className="max-w-md text-xs text-zinc-500">{entry.doc.meaning}</p>}
      </Td>
      <Td>
        <input
          id={ids.value}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          aria-invalid={invalid ? true : undefined}
          className="w-36 rounded border border-zinc-300 bg-white px-1.5 py-0.5 font-mono text-xs dark:border-zinc-600 dark:bg-zinc-900"
        />
        <p className="text-xs text-zinc-500">{describeRule(entry.doc?.rule)}</p>
        {invalid && <p className="text-xs text-red-600 dark:text-red-400">{invalid}</p>}
      </Td>
      <Td className="font-mono text-xs text-zinc-500">
        {entry.doc?.default ?? "—"}
        {differs && (
          <span className="ml-2 rounded bg-amber-200 px-1 font-sans text-amber-950 dark:bg-amber-800 dark:text-amber-50" data-testid="sysctl-differs">
            changed
          </span>
        )}
      </Td>
      <Td>
        <div className="flex items-center gap-2" hidden={!canOperate}>
          <input id={ids.persist} type="checkbox" checked={persist} onChange={(e) => setPersist(e.target.checked)} />
          <label htmlFor={ids.persist} className="text-xs">
            Persist
          </label>
          <Button size="sm" variant={changed ? "primary" : "secondary"} busy={action.busy} onClick={apply}>
            Apply
          </Button>
        </div>
        {action.result && !action.busy && !action.error && (
          <p role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
            {action.result.previous} → {action.result.value}
            {action.result.persisted ? " (persisted)" : ""}
          </p>
        )}
        <ErrorMessage error={action.error} />
      </Td>
    </Tr>
  );
}
