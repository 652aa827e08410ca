"use client";
// What the real server's and the service's health editors share: the agent's configuration
// read once into the form (later polls must not undo typing), validation before sending (each
// wrong field marked), the PUT with the server's refusals marked the same way, and the DELETE.
import { type FormEvent, useEffect, useState } from "react";
import type { HealthConfig } from "@/protocol/health.ts";
import { useAction } from "../hooks/use-action.ts";
import { useHealth, useHealthConfig } from "../hooks/use-health.ts";
import { ApiRequestError } from "../lib/api.ts";
import type { FieldErrors } from "../lib/form-errors.ts";
import { type Result, serverFieldErrors } from "./checks-form-model.ts";

export interface ChecksEditorOptions<F, E, V> {
  director: string;
  /** the PUT and the DELETE of what is edited (the typed client's health routes) */
  put: (body: V) => Promise<unknown>;
  delete: () => Promise<unknown>;
  /** what is edited in the agent's configuration (undefined: not configured yet) */
  pick: (config: HealthConfig) => E | undefined;
  toForm: (existing: E | undefined) => F;
  /** scriptChecksAllowed: the agent's --allow-script-checks (MISC_CHECK refused without it) */
  validate: (form: F, agent: { scriptChecksAllowed: boolean }) => Result<V>;
  /** asked before the DELETE (cancel: nothing is sent) */
  confirmRemove?: string;
}

export function useChecksEditor<F, E, V>(o: ChecksEditorOptions<F, E, V>) {
  const config = useHealthConfig(o.director);
  const { view, mutate } = useHealth(o.director);
  const existing = config.data ? o.pick(config.data) : undefined;
  const [form, setForm] = useState<F | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const { toForm } = o;
  useEffect(() => {
    if (config.data && form === null) setForm(toForm(existing));
  }, [config.data, existing, form, toForm]);
  const refresh = async () => {
    await Promise.all([config.mutate(), mutate()]);
  };
  const save = useAction(async (body: V) => {
    try {
      const r = await o.put(body);
      await refresh();
      return r;
    } catch (e) {
      // a field the server's validation refused is marked like the form's own
      if (e instanceof ApiRequestError) setErrors(serverFieldErrors(e.details));
      throw e;
    }
  });
  const remove = useAction(async () => {
    if (o.confirmRemove !== undefined && !window.confirm(o.confirmRemove)) return null;
    const r = await o.delete();
    await refresh();
    setForm(toForm(undefined));
    return r;
  });
  const set = (patch: Partial<F>) => setForm((f) => (f ? { ...f, ...patch } : f));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const r = o.validate(form, { scriptChecksAllowed: view?.scriptChecksAllowed ?? false });
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    await save.run(r.value);
  };
  return { config, view, existing, form, set, errors, save, remove, submit };
}
