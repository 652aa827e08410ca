"use client";
// Registers a director (or a realserver agent): validated in the browser with the protocol's
// DirectorRegistration schema, then POST /api/directors. The token is sent once and never shown.
import { type FormEvent, useState } from "react";
import { useSWRConfig } from "swr";
import { AgentRole, DirectorRegistration } from "../../protocol/dashboard.ts";
import { useAction } from "../hooks/use-action.ts";
import { sendJson } from "../lib/api.ts";
import { type FieldErrors, fieldErrors, splitList } from "../lib/form-errors.ts";
import { api } from "../lib/paths.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { SelectField, TextField } from "../ui/field.tsx";

const EMPTY = { name: "", url: "", token: "", group: "", role: "director", addresses: "", fingerprint256: "" };

export function RegisterDirectorForm() {
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const { mutate } = useSWRConfig();
  const action = useAction(async (body: DirectorRegistration) => {
    const r = await sendJson<unknown>("POST", api.directors(), body);
    await mutate(api.directors());
    return r;
  });

  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = DirectorRegistration.safeParse({
      name: form.name,
      url: form.url.trim(),
      token: form.token,
      group: form.group,
      role: form.role,
      addresses: splitList(form.addresses),
      ...(form.fingerprint256.trim() ? { fingerprint256: form.fingerprint256.trim() } : {}),
    });
    if (!parsed.success) {
      action.reset();
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    const ok = await action.run(parsed.data);
    if (ok !== undefined) setForm(EMPTY);
  };

  const addressError = Object.entries(errors).find(([k]) => k.startsWith("addresses"))?.[1];
  return (
    <form onSubmit={submit} aria-label="Register a director" className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      <TextField label="Name" value={form.name} onChange={set("name")} error={errors["name"]} placeholder="dir1" required />
      <TextField label="Agent URL" value={form.url} onChange={set("url")} error={errors["url"]} placeholder="ws://10.0.0.2:9400" required />
      <TextField label="Token" type="password" autoComplete="off" value={form.token} onChange={set("token")} error={errors["token"]} required />
      <TextField label="Group" value={form.group} onChange={set("group")} error={errors["group"]} hint="HA pair or any grouping; empty for none" />
      <SelectField label="Role" value={form.role} onChange={set("role")} options={AgentRole.options} error={errors["role"]} />
      <TextField
        label="Addresses"
        value={form.addresses}
        onChange={set("addresses")}
        error={addressError}
        hint="realserver agents: the real-server IPs this host answers for, comma-separated"
      />
      <TextField
        label="TLS fingerprint (SHA-256, optional)"
        value={form.fingerprint256}
        onChange={set("fingerprint256")}
        error={errors["fingerprint256"]}
      />
      <div className="flex items-end gap-3 sm:col-span-2">
        <Button type="submit" variant="primary" busy={action.busy}>
          Register director
        </Button>
        {action.result !== undefined && !action.busy && !action.error && <SuccessMessage>Registered; the link state appears above.</SuccessMessage>}
      </div>
      {action.error ? <ErrorMessage error={action.error} className="sm:col-span-3" /> : null}
    </form>
  );
}
