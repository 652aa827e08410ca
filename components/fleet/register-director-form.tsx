"use client";
// Registers a director (or a realserver agent): validated in the browser with the protocol's
// DirectorCreate schema, then POST /api/directors. A token typed here is sent once and never
// shown; left empty, the server generates one and it is shown once with its install command.
import { type FormEvent, useState } from "react";
import { useSWRConfig } from "swr";
import type { DirectorCreate, IssuedToken } from "@/protocol/dashboard/index.ts";
import { AGENT_ROLES } from "@/protocol/dashboard/values.ts";
import { useAction } from "../hooks/use-action.ts";
import { api, url } from "../lib/api-client.ts";
import { type FieldErrors, fieldErrors, splitList } from "../lib/form-errors.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { IssuedTokenNotice } from "./issued-token.tsx";

const EMPTY = { name: "", url: "", token: "", group: "", role: "director", addresses: "", fingerprint256: "", insecure: "" };

export function RegisterDirectorForm() {
  const [form, setForm] = useState(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const { mutate } = useSWRConfig();
  const action = useAction(async (body: DirectorCreate) => {
    const r = await api.directors.register({ body });
    setIssued(r.issued ?? null);
    await mutate(url("GET /api/directors"));
    return r;
  });

  const set = (k: keyof typeof EMPTY) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // the schema (and zod) load on the first submit, not with the page
    const { DirectorCreate } = await import("@/protocol/dashboard/directors.ts");
    const parsed = DirectorCreate.safeParse({
      name: form.name,
      url: form.url.trim(),
      ...(form.token ? { token: form.token } : {}),
      group: form.group,
      role: form.role,
      addresses: splitList(form.addresses),
      ...(form.fingerprint256.trim() ? { fingerprint256: form.fingerprint256.trim() } : {}),
      ...(form.insecure ? { insecure: true } : {}),
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
      <TextField label="Agent URL" value={form.url} onChange={set("url")} error={errors["url"]} placeholder="wss://10.0.0.2:9400" required />
      <TextField label="Token" type="password" autoComplete="off" value={form.token} onChange={set("token")} error={errors["token"]} hint="empty: the server generates one and shows it once" />
      <TextField label="Group" value={form.group} onChange={set("group")} error={errors["group"]} hint="HA pair or any grouping; empty for none" />
      <SelectField label="Role" value={form.role} onChange={set("role")} options={AGENT_ROLES} error={errors["role"]} />
      <TextField
        label="Addresses"
        value={form.addresses}
        onChange={set("addresses")}
        error={addressError}
        hint="realserver agents: the real-server IPs this host answers for, comma-separated"
      />
      <TextField
        label="TLS fingerprint (SHA-256, optional)"
        hint="wss:// only; empty: the first certificate seen is pinned"
        value={form.fingerprint256}
        onChange={set("fingerprint256")}
        error={errors["fingerprint256"]}
      />
      <label className="flex items-center gap-2 text-sm" title="the server refuses ws:// to a host that is not loopback without this">
        <input type="checkbox" checked={form.insecure !== ""} onChange={(e) => setForm({ ...form, insecure: e.target.checked ? "yes" : "" })} />
        insecure: allow ws:// off loopback (the token crosses the network in clear)
      </label>
      <div className="flex items-end gap-3 sm:col-span-2">
        <Button type="submit" variant="primary" busy={action.busy}>
          Register director
        </Button>
        {action.result !== undefined && !action.busy && !action.error && <SuccessMessage>Registered; the link state appears above.</SuccessMessage>}
      </div>
      {issued ? (
        <div className="sm:col-span-3">
          <IssuedTokenNotice issued={issued} onDone={() => setIssued(null)} />
        </div>
      ) : null}
      {action.error ? <ErrorMessage error={action.error} className="sm:col-span-3" /> : null}
    </form>
  );
}
