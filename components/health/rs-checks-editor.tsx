"use client";
// A real server's health checks, in the real-server form: its checkers (keepalived's TCP_CHECK,
// HTTP_GET, SSL_GET, DNS_CHECK, MISC_CHECK with all their fields), its timing and
// inhibit_on_failure, prefilled from the agent's configuration, validated with the agent's
// schema before sending (each wrong field marked), saved with PUT .../health/services/:service/
// destinations/:dest; "Stop checking" is the DELETE.
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { SelectField } from "../ui/field.tsx";
import { CheckerFields } from "./checker-fields.tsx";
import { type CheckerForm, newChecker, type RealServerChecksForm, realServerForm, realServerSettings } from "./checks-form-model.ts";
import { findRealServer } from "./config-lookup.ts";
import { TimingFields, TRI_OPTIONS } from "./timing-fields.tsx";
import type { RealServerHealthSettings } from "@/protocol/dashboard/health.ts";
import { api } from "../lib/api-client.ts";
import { useChecksEditor } from "./use-checks-editor.ts";

export function RealServerChecksEditor({ director, service, dest }: { director: string; service: string; dest: string }) {
  const { config, view, existing, form, set, errors, save, remove: stop, submit } = useChecksEditor({
    director,
    put: (body: RealServerHealthSettings) => api.health.setDestination({ params: { id: director, service, dest }, body }),
    delete: () => api.health.removeDestination({ params: { id: director, service, dest } }),
    pick: (c) => findRealServer(c, service, dest),
    toForm: realServerForm,
    validate: (f: RealServerChecksForm, agent) => realServerSettings(f, agent.scriptChecksAllowed),
  });
  const scripts = view?.scriptChecksAllowed ?? false;
  const title = `Health checks of ${dest}`;
  if (config.error) return <ErrorMessage error={config.error} />;
  if (!form) return <p className="text-sm text-zinc-500">Loading the checks…</p>;

  const setChecker = (i: number, patch: Partial<CheckerForm>) => set({ checkers: form.checkers.map((c, j) => (j === i ? { ...c, ...patch } : c)) });

  return (
    <form onSubmit={submit} aria-label={title} className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700">
      <h4 className="text-sm font-semibold">{title}</h4>
      {form.checkers.length === 0 && <p className="text-xs text-zinc-500">No checker: health treats the real server as always up (keepalived's rule).</p>}
      {form.checkers.map((c, i) => (
        <CheckerFields
          // biome-ignore lint/suspicious/noArrayIndexKey: a checker's position is its identity
          key={i}
          index={i}
          value={c}
          set={(p) => setChecker(i, p)}
          remove={() => set({ checkers: form.checkers.filter((_, j) => j !== i) })}
          errors={errors}
          scriptChecksAllowed={scripts}
        />
      ))}
      <div>
        <Button size="sm" disabled={form.checkers.length >= 8} onClick={() => set({ checkers: [...form.checkers, newChecker()] })}>
          Add checker
        </Button>
      </div>
      <fieldset aria-label="Real server timing" className="flex flex-col gap-2">
        <legend className="text-xs font-semibold">Real server (defaults of its checkers)</legend>
        <TimingFields value={form} set={set} errors={errors} inherit="the service's" />
        <div className="w-48">
          <SelectField label="inhibit_on_failure" value={form.inhibitOnFailure} onChange={(e) => set({ inhibitOnFailure: e.target.value as RealServerChecksForm["inhibitOnFailure"] })} options={TRI_OPTIONS} error={errors["inhibitOnFailure"]} hint="weight 0 instead of removal when down" />
        </div>
      </fieldset>
      {(errors["checkers"] || errors[""]) && <p className="text-xs text-red-600 dark:text-red-400">{[errors["checkers"], errors[""]].filter(Boolean).join("; ")}</p>}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={save.busy}>
          Save checks
        </Button>
        {existing && (
          <Button variant="danger" busy={stop.busy} onClick={() => void stop.run()} aria-label={`Stop checking ${dest}`}>
            Stop checking
          </Button>
        )}
      </div>
      {save.result !== undefined && !save.busy && !save.error && <SuccessMessage>Checks saved.</SuccessMessage>}
      <ErrorMessage error={save.error ?? stop.error} />
    </form>
  );
}
