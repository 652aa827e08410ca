"use client";
// A service's health settings, in the service form: the defaults its real servers' checkers
// inherit (delay_loop, retry, ...), inhibit_on_failure, and the pool's quorum, hysteresis and
// sorry_server (with sorry_server_inhibit and its forwarding). Validated with the agent's
// schema, saved with PUT .../health/services/:service; "Remove health settings" is the DELETE.
import type { Forwarding } from "@/protocol/ipvs.ts";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { CheckboxField, SelectField, TextField } from "../ui/field.tsx";
import { type ServiceChecksForm, serviceForm, serviceSettings } from "./checks-form-model.ts";
import { findService } from "./config-lookup.ts";
import { TimingFields, TRI_OPTIONS } from "./timing-fields.tsx";
import { useChecksEditor } from "./use-checks-editor.ts";

const FORWARDING: Forwarding[] = ["masq", "route", "tunnel", "local", "bypass"];

export function ServiceChecksEditor({ director, service, port }: { director: string; service: string; port: number }) {
  const { config, existing, form, set, errors, save, remove, submit } = useChecksEditor({
    director,
    put: (body) => api.health.setService({ params: { id: director, service }, body }),
    delete: () => api.health.removeService({ params: { id: director, service } }),
    pick: (c) => findService(c, service),
    toForm: (e) => serviceForm(e, port),
    validate: serviceSettings,
    confirmRemove: `Stop every health check of ${service}? Its real servers stay as they are in the table.`,
  });
  const title = `Health settings of ${service}`;
  if (config.error) return <ErrorMessage error={config.error} />;
  if (!form) return <p className="text-sm text-zinc-500">Loading the health settings…</p>;

  const t = (k: "quorum" | "hysteresis" | "sorryAddress" | "sorryPort") => (e: { target: { value: string } }) => set({ [k]: e.target.value });

  return (
    <form onSubmit={submit} aria-label={title} className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-700">
      <h3 className="font-semibold">{title}</h3>
      <p className="text-xs text-zinc-500">Defaults for every real server's checkers (empty: keepalived's default); each real server's checks are edited on its row.</p>
      <TimingFields value={form} set={set} errors={errors} inherit="keepalived's default" />
      <div className="grid items-end gap-3 sm:grid-cols-4">
        <SelectField label="inhibit_on_failure" value={form.inhibitOnFailure} onChange={(e) => set({ inhibitOnFailure: e.target.value as ServiceChecksForm["inhibitOnFailure"] })} options={TRI_OPTIONS} error={errors["inhibitOnFailure"]} />
        <TextField label="quorum" inputMode="numeric" value={form.quorum} onChange={t("quorum")} error={errors["quorum"]} hint="sum of live weights" />
        <TextField label="hysteresis" inputMode="numeric" value={form.hysteresis} onChange={t("hysteresis")} error={errors["hysteresis"]} />
        <CheckboxField label="sorry_server" checked={form.sorry} onChange={(e) => set({ sorry: e.target.checked })} />
      </div>
      {form.sorry && (
        <fieldset aria-label="Sorry server" className="grid items-end gap-3 sm:grid-cols-4">
          <TextField label="sorry_server IP" value={form.sorryAddress} onChange={t("sorryAddress")} error={errors["sorryServer.key.address"]} />
          <TextField label="sorry_server port" inputMode="numeric" value={form.sorryPort} onChange={t("sorryPort")} error={errors["sorryServer.key.port"]} />
          <SelectField label="sorry_server forwarding" value={form.sorryForwarding} onChange={(e) => set({ sorryForwarding: e.target.value as Forwarding })} options={FORWARDING} error={errors["sorryServer.forwarding"]} />
          <CheckboxField label="sorry_server_inhibit" checked={form.sorryInhibit} onChange={(e) => set({ sorryInhibit: e.target.checked })} />
        </fieldset>
      )}
      {errors[""] && <p className="text-xs text-red-600 dark:text-red-400">{errors[""]}</p>}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={save.busy}>
          Save health settings
        </Button>
        {existing && (
          <Button variant="danger" busy={remove.busy} onClick={() => void remove.run()}>
            Remove health settings
          </Button>
        )}
      </div>
      {save.result !== undefined && !save.busy && !save.error && <SuccessMessage>Health settings saved.</SuccessMessage>}
      <ErrorMessage error={save.error ?? remove.error} />
    </form>
  );
}
