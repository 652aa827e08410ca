"use client";
// One checker of a real server: its kind and, by kind, where it connects (connect_ip,
// connect_port, bindto), HTTP's urls (path, status_code, digest, virtualhost, regex), DNS's
// query, MISC's command; then its own timing. Field errors are keyed by schema path.
import { DNS_TYPES } from "@/protocol/health.ts";
import { Button } from "../ui/button.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { CHECKER_KINDS, type CheckerForm, NEW_URL, type UrlForm } from "./checks-form-model.ts";
import { TimingFields } from "./timing-fields.tsx";

export function CheckerFields({
  index,
  value,
  set,
  remove,
  errors,
  scriptChecksAllowed,
}: {
  index: number;
  value: CheckerForm;
  set: (patch: Partial<CheckerForm>) => void;
  remove: () => void;
  errors: Record<string, string>;
  scriptChecksAllowed: boolean;
}) {
  const at = `checkers.${index}.`;
  const t = (k: keyof CheckerForm) => (e: { target: { value: string } }) => set({ [k]: e.target.value } as Partial<CheckerForm>);
  const http = value.kind === "HTTP_GET" || value.kind === "SSL_GET";
  const setUrl = (j: number, patch: Partial<UrlForm>) => set({ urls: value.urls.map((u, i) => (i === j ? { ...u, ...patch } : u)) });
  return (
    <fieldset aria-label={`Checker ${index + 1}`} className="flex flex-col gap-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-700">
      <legend className="px-1 text-xs font-semibold">Checker {index + 1}</legend>
      <div className="grid items-end gap-3 sm:grid-cols-4">
        <SelectField
          label="Checker"
          value={value.kind}
          onChange={(e) => set({ kind: e.target.value as CheckerForm["kind"] })}
          options={CHECKER_KINDS}
          error={errors[`${at}kind`]}
          hint={value.kind === "MISC_CHECK" && !scriptChecksAllowed ? "this agent runs no script checks (--allow-script-checks)" : undefined}
        />
        {value.kind !== "MISC_CHECK" && (
          <>
            <TextField label="connect_ip" value={value.connectIp} onChange={t("connectIp")} error={errors[`${at}connectIp`]} placeholder="the real server's" />
            <TextField label="connect_port" inputMode="numeric" value={value.connectPort} onChange={t("connectPort")} error={errors[`${at}connectPort`]} placeholder="the real server's" />
            <TextField label="bindto" value={value.bindto} onChange={t("bindto")} error={errors[`${at}bindto`]} placeholder="any" />
          </>
        )}
      </div>
      {http && (
        <div className="flex flex-col gap-2">
          <TextField label="virtualhost (Host header)" value={value.virtualhost} onChange={t("virtualhost")} error={errors[`${at}virtualhost`]} />
          {value.urls.map((u, j) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the url's position is its identity
            <fieldset key={j} aria-label={`url ${j + 1}`} className="grid items-end gap-3 sm:grid-cols-6">
              <TextField label="url path" value={u.path} onChange={(e) => setUrl(j, { path: e.target.value })} error={errors[`${at}urls.${j}.path`]} />
              <TextField label="status_code" value={u.statusCode} onChange={(e) => setUrl(j, { statusCode: e.target.value })} error={errors[`${at}urls.${j}.statusCode`]} placeholder="200-299" />
              <TextField label="digest (md5)" value={u.digest} onChange={(e) => setUrl(j, { digest: e.target.value })} error={errors[`${at}urls.${j}.digest`]} />
              <TextField label="url virtualhost" value={u.virtualhost} onChange={(e) => setUrl(j, { virtualhost: e.target.value })} error={errors[`${at}urls.${j}.virtualhost`]} />
              <TextField label="regex" value={u.regex} onChange={(e) => setUrl(j, { regex: e.target.value })} error={errors[`${at}urls.${j}.regex`]} />
              <Button size="sm" disabled={value.urls.length <= 1} onClick={() => set({ urls: value.urls.filter((_, i) => i !== j) })} aria-label={`Remove url ${j + 1}`}>
                Remove url
              </Button>
            </fieldset>
          ))}
          {errors[`${at}urls`] && <p className="text-xs text-red-600 dark:text-red-400">{errors[`${at}urls`]}</p>}
          <div>
            <Button size="sm" onClick={() => set({ urls: [...value.urls, { ...NEW_URL }] })}>
              Add url
            </Button>
          </div>
        </div>
      )}
      {value.kind === "DNS_CHECK" && (
        <div className="grid gap-3 sm:grid-cols-4">
          <SelectField label="DNS type" value={value.dnsType} onChange={t("dnsType")} options={DNS_TYPES} error={errors[`${at}type`]} />
          <TextField label="DNS name" value={value.dnsName} onChange={t("dnsName")} error={errors[`${at}name`]} placeholder="." />
        </div>
      )}
      {value.kind === "MISC_CHECK" && (
        <div className="grid gap-3 sm:grid-cols-3">
          <TextField label="misc_path (command and arguments)" value={value.miscPath} onChange={t("miscPath")} error={errors[`${at}miscPath`]} hint="run without a shell; arguments split at spaces" />
          <TextField label="misc_timeout (s)" inputMode="numeric" value={value.miscTimeout} onChange={t("miscTimeout")} error={errors[`${at}miscTimeout`]} placeholder="delay_loop" />
          <TextField label="user" value={value.user} onChange={t("user")} error={errors[`${at}user`]} placeholder="nobody" />
        </div>
      )}
      <TimingFields value={value} set={set} errors={errors} at={at} withTimeout={value.kind !== "MISC_CHECK"} inherit="the real server's" />
      <div>
        <Button size="sm" variant="danger" onClick={remove} aria-label={`Remove checker ${index + 1}`}>
          Remove checker
        </Button>
      </div>
    </fieldset>
  );
}
