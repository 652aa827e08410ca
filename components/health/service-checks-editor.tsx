"use client";
// A service's health settings, in the service form: the defaults its real servers' checkers
// inherit (delay_loop, retry, ...), inhibit_on_failure, and the pool's quorum, hysteresis and
// sorry_server (with sorry_server_inhibit and its forwarding). Validated with the agent's
// schema, saved with PUT .../health/services/:service; "Remove health settings" is the DELETE.
import { type FormEvent, useEffect, useState } from "react";
import type { Forwarding } from "../../protocol/ipvs.ts";
import { useAction } from "../hooks/use-action.ts";
import { useHealth, useHealthConfig } from "../hooks/use-health.ts";
import { ApiRequestError, sendJson } from "../lib/api.ts";
import type { FieldErrors } from "../lib/form-errors.ts";
import { api } from "../lib/paths.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { CheckboxField, SelectField, TextField } from "../ui/field.tsx";
import { type ServiceChecksForm, serverFieldErrors, serviceForm, serviceSettings } from "./checks-form-model.ts";
import { findService } from "./config-lookup.ts";
import { TimingFields, TRI_OPTIONS } from "./timing-fields.tsx";

const FORWARDING: Forwarding[] = ["masq", "route", "tunnel", "local", "bypass"];

export function ServiceChecksEditor({ director, service, port }: { director: string; service: string; port: number }) {
  const config = useHealthConfig(director);
  const { mutate } = useHealth(director);
  const existing = config.data ? findService(config.data, service) : undefined;
  const [form, setForm] = useState<ServiceChecksForm | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  useEffect(() => {
    if (config.data && form === null) setForm(serviceForm(existing, port));
  }, [config.data, existing, form, port]);
  const after = async () => {
    await Promise.all([config.mutate(), mutate()]);
  };
  const save = useAction(async (body: unknown) => {
    try {
      const r = await sendJson("PUT", api.healthService(director, service), body);
      await after();
      return r;
    } catch (e) {
      // a field the server's validation refused is marked like the form's own
      if (e instanceof ApiRequestError) setErrors(serverFieldErrors(e.details));
      throw e;
    }
  });
  const remove = useAction(async () => {
    if (!window.confirm(`Stop every health check of ${service}? Its real servers stay as they are in the table.`)) return null;
    const r = await sendJson("DELETE", api.healthService(director, service));
    await after();
    setForm(serviceForm(undefined, port));
    return r;
  });
  const title = `Health settings of ${service}`;
  if (config.error) return <ErrorMessage error={config.error} />;
  if (!form) return <p className="text-sm text-zinc-500">Loading the health settings…</p>;

  const set = (patch: Partial<ServiceChecksForm>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const t = (k: "quorum" | "hysteresis" | "sorryAddress" | "sorryPort") => (e: { target: { value: string } }) => set({ [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = serviceSettings(form);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    await save.run(r.value);
  };

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
