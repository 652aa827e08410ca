"use client";
// Add or edit a real server: forwarding (masq/route/tunnel with tunnel type, GUE port and
// checksum), weight, upper and lower connection thresholds.
import { type FormEvent, useState } from "react";
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/index.ts";
import type { Destination, ServiceKey } from "@/protocol/ipvs.ts";
import { useAction } from "../hooks/use-action.ts";
import type { FieldErrors } from "../lib/form-errors.ts";
import type { TableApi } from "../lib/table-api.ts";
import { useDirectorVersion, withBaseVersion } from "../director/director-version.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { type DestinationFormState, destinationFromForm, formFromDestination, newDestination } from "./destination-form-model.ts";

const FORWARDING = [
  { value: "masq", label: "masq (NAT)" },
  { value: "route", label: "route (direct routing)" },
  { value: "tunnel", label: "tunnel (IP-in-IP/GUE/GRE)" },
  { value: "local", label: "local" },
  { value: "bypass", label: "bypass" },
];

export function DestinationForm({ table, service, existing, onDone }: { table: TableApi; service: ServiceKey; existing?: Destination; onDone: (saved?: Destination) => void }) {
  const [form, setForm] = useState<DestinationFormState>(existing ? formFromDestination(existing) : newDestination(service));
  const [errors, setErrors] = useState<FieldErrors>({});
  const svc = serviceKeyString(service);
  // the table this form was opened on
  const openedOn = useDirectorVersion();
  const [baseVersion] = useState(openedOn);
  const action = useAction(async (d: Destination) =>
    existing
      ? table.updateDestination(svc, destinationKeyString(existing.key), withBaseVersion(d.config, baseVersion))
      : table.createDestination(svc, withBaseVersion(d, baseVersion)),
  );
  const text = (k: keyof DestinationFormState) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = destinationFromForm(form, service);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    if ((await action.run(r.value)) !== undefined) onDone(r.value);
  };

  const title = existing ? `Edit real server ${destinationKeyString(existing.key)}` : `Add real server to ${svc}`;
  return (
    <form onSubmit={submit} aria-label={title} className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700">
      <h4 className="text-sm font-semibold">{title}</h4>
      <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <TextField label="Real server IP" value={form.address} onChange={text("address")} error={errors["address"]} disabled={existing !== undefined} />
        <TextField label="Port" inputMode="numeric" value={form.port} onChange={text("port")} error={errors["port"]} disabled={existing !== undefined} />
        <SelectField label="Forwarding" value={form.forwarding} onChange={text("forwarding")} error={errors["forwarding"]} options={FORWARDING} />
        <TextField label="Weight" inputMode="numeric" value={form.weight} onChange={text("weight")} error={errors["weight"]} />
        <TextField label="Upper threshold" inputMode="numeric" value={form.upperThreshold} onChange={text("upperThreshold")} error={errors["upperThreshold"]} hint="0 = no limit" />
        <TextField label="Lower threshold" inputMode="numeric" value={form.lowerThreshold} onChange={text("lowerThreshold")} error={errors["lowerThreshold"]} />
      </div>
      {form.forwarding === "tunnel" && (
        <div className="grid gap-3 sm:grid-cols-3">
          <SelectField label="Tunnel type" value={form.tunnelType} onChange={text("tunnelType")} options={["ipip", "gue", "gre"]} />
          <TextField label="GUE port" inputMode="numeric" disabled={form.tunnelType !== "gue"} value={form.tunnelPort} onChange={text("tunnelPort")} error={errors["tunnelPort"]} />
          <SelectField
            label="Tunnel checksum"
            disabled={form.tunnelType === "ipip"}
            value={form.tunnelChecksum}
            onChange={text("tunnelChecksum")}
            error={errors["tunnelChecksum"]}
            options={form.tunnelType === "gre" ? ["nocsum", "csum"] : ["nocsum", "csum", "remcsum"]}
          />
        </div>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={action.busy}>
          {existing ? "Save real server" : "Add real server"}
        </Button>
        <Button onClick={() => onDone()}>Cancel</Button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}
