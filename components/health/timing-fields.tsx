"use client";
// keepalived's timing fields (delay_loop, retry, delay_before_retry, warmup, alpha,
// connect_timeout) for a checker, a real server or a service; empty = inherited.
import { SelectField, TextField } from "../ui/field.tsx";
import type { TimingForm, Tri } from "./checks-form-model.ts";

export const TRI_OPTIONS = [
  { value: "", label: "inherit" },
  { value: "yes", label: "yes" },
  { value: "no", label: "no" },
];

export function TimingFields<T extends TimingForm>({
  value,
  set,
  errors,
  at = "",
  withTimeout = true,
  inherit,
}: {
  value: T;
  set: (patch: Partial<TimingForm>) => void;
  errors: Record<string, string>;
  /** the schema path prefix of these fields ("checkers.0.") */
  at?: string;
  withTimeout?: boolean;
  /** what an empty field falls back to, for the hints */
  inherit: string;
}) {
  const t = (k: Exclude<keyof TimingForm, "alpha">) => (e: { target: { value: string } }) => set({ [k]: e.target.value });
  return (
    <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
      <TextField label="delay_loop (s)" inputMode="decimal" value={value.delayLoop} onChange={t("delayLoop")} error={errors[`${at}delayLoop`]} placeholder={inherit} />
      <TextField label="retry" inputMode="numeric" value={value.retry} onChange={t("retry")} error={errors[`${at}retry`]} placeholder={inherit} />
      <TextField label="delay_before_retry (s)" inputMode="decimal" value={value.delayBeforeRetry} onChange={t("delayBeforeRetry")} error={errors[`${at}delayBeforeRetry`]} placeholder={inherit} />
      <TextField label="warmup (s)" inputMode="decimal" value={value.warmup} onChange={t("warmup")} error={errors[`${at}warmup`]} placeholder={inherit} />
      {withTimeout && (
        <TextField label="connect_timeout (s)" inputMode="decimal" value={value.connectTimeout} onChange={t("connectTimeout")} error={errors[`${at}connectTimeout`]} placeholder={inherit} />
      )}
      <SelectField label="alpha (start down)" value={value.alpha} onChange={(e) => set({ alpha: e.target.value as Tri })} options={TRI_OPTIONS} error={errors[`${at}alpha`]} />
    </div>
  );
}
