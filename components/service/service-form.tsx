"use client";
// Create or edit a virtual service with every option ipvsadm has: protocol (tcp/udp/sctp or a
// firewall mark), IPv4/IPv6, scheduler and its flags, persistence (timeout, netmask), the SIP
// persistence engine and one-packet scheduling. The key cannot change once created.
import { type FormEvent, useState } from "react";
import { serviceKeyString } from "@/protocol/dashboard/index.ts";
import { SCHEDULERS, type SchedulerFlag, type Service } from "@/protocol/ipvs.ts";
import { useAction } from "../hooks/use-action.ts";
import type { FieldErrors } from "../lib/form-errors.ts";
import type { TableApi } from "../lib/table-api.ts";
import { useDirectorVersion, withBaseVersion } from "../director/director-version.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { CheckboxField, SelectField, TextField } from "../ui/field.tsx";
import {
  defaultNetmask,
  formFromService,
  NEW_SERVICE,
  type ServiceFormState,
  serviceFamily,
  schedulerFlagLabel,
  serviceFromForm,
} from "./service-form-model.ts";

const FLAGS: SchedulerFlag[] = ["flag-1", "flag-2", "flag-3"];

/** `table`: a director's (directorTable) or an HA group's (groupTable); the validation is the same. */
export function ServiceForm({ table, existing, onDone }: { table: TableApi; existing?: Service; onDone: () => void }) {
  const [form, setForm] = useState<ServiceFormState>(existing ? formFromService(existing) : NEW_SERVICE);
  const [errors, setErrors] = useState<FieldErrors>({});
  // the table this form was opened on
  const openedOn = useDirectorVersion();
  const [baseVersion] = useState(openedOn);
  const action = useAction(async (svc: Service) =>
    existing
      ? table.updateService(serviceKeyString(existing.key), withBaseVersion(svc.config, baseVersion))
      : table.createService(withBaseVersion(svc, baseVersion)),
  );
  const set = <K extends keyof ServiceFormState>(k: K, v: ServiceFormState[K]) => setForm((f) => ({ ...f, [k]: v }));
  const text = (k: keyof ServiceFormState) => (e: { target: { value: string } }) => set(k, e.target.value as never);
  const family = serviceFamily(form);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = serviceFromForm(form);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    if ((await action.run(r.value)) !== undefined) onDone();
  };

  const toggleFlag = (f: SchedulerFlag, on: boolean) =>
    set("schedulerFlags", on ? [...form.schedulerFlags.filter((x) => x !== f), f] : form.schedulerFlags.filter((x) => x !== f));
  const isKeyFixed = existing !== undefined;
  const title = existing ? `Edit service ${serviceKeyString(existing.key)}` : "Create service";

  return (
    <form onSubmit={submit} aria-label={title} className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-700">
      <h3 className="font-semibold">{title}</h3>
      <fieldset className="grid gap-3 sm:grid-cols-4" disabled={isKeyFixed}>
        <legend className="sr-only">Virtual service</legend>
        <SelectField label="Protocol" value={form.protocol} onChange={text("protocol")} error={errors["protocol"]} options={[
          { value: "tcp", label: "TCP" }, { value: "udp", label: "UDP" }, { value: "sctp", label: "SCTP" }, { value: "fwmark", label: "Firewall mark" },
        ]} />
        {form.protocol === "fwmark" ? (
          <>
            <TextField label="Firewall mark" inputMode="numeric" value={form.fwmark} onChange={text("fwmark")} error={errors["fwmark"]} />
            <SelectField label="Address family" value={form.family} onChange={text("family")} options={[{ value: "ipv4", label: "IPv4" }, { value: "ipv6", label: "IPv6" }]} />
          </>
        ) : (
          <>
            <TextField label="Virtual IP (IPv4 or IPv6)" value={form.address} onChange={text("address")} error={errors["address"]} placeholder="10.0.0.100 or 2001:db8::100" />
            <TextField label="Port" inputMode="numeric" value={form.port} onChange={text("port")} error={errors["port"]} />
          </>
        )}
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-4">
        <SelectField label="Scheduler" value={form.scheduler} onChange={text("scheduler")} error={errors["scheduler"]} options={SCHEDULERS} />
        <fieldset className="flex flex-col gap-1 sm:col-span-3">
          <legend className="text-xs font-medium text-zinc-700 dark:text-zinc-300">Scheduler flags</legend>
          <div className="flex gap-4">
            {FLAGS.filter((f) => !((form.scheduler === "sh" || form.scheduler === "mh") && f === "flag-3")).map((f) => (
              <CheckboxField key={f} label={schedulerFlagLabel(form.scheduler, f)} checked={form.schedulerFlags.includes(f)} onChange={(e) => toggleFlag(f, e.target.checked)} />
            ))}
          </div>
        </fieldset>
      </div>
      <div className="grid items-end gap-3 sm:grid-cols-4">
        <CheckboxField label="Persistent" checked={form.persistent} onChange={(e) => set("persistent", e.target.checked)} />
        <TextField label="Persistence timeout (s)" inputMode="numeric" disabled={!form.persistent} value={form.timeout} onChange={text("timeout")} error={errors["timeout"]} />
        <TextField
          label={family === "ipv6" ? "Persistence prefix length" : "Persistence netmask"}
          disabled={!form.persistent}
          value={form.netmask}
          placeholder={defaultNetmask(family)}
          onChange={text("netmask")}
          error={errors["netmask"]}
        />
        <div className="flex flex-col gap-2">
          <CheckboxField label="SIP persistence engine (--pe sip)" checked={form.peSip} onChange={(e) => set("peSip", e.target.checked)} />
          <CheckboxField label="One-packet scheduling" checked={form.onePacket} onChange={(e) => set("onePacket", e.target.checked)} />
        </div>
      </div>
      {(errors["peSip"] || errors["onePacket"] || errors[""]) && (
        <p className="text-xs text-red-600 dark:text-red-400">{[errors["peSip"], errors["onePacket"], errors[""]].filter(Boolean).join("; ")}</p>
      )}
      <div className="flex gap-2">
        <Button type="submit" variant="primary" busy={action.busy}>
          {existing ? "Save service" : "Create service"}
        </Button>
        <Button onClick={onDone}>Cancel</Button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}
