"use client";
// The signed-in user's personal API tokens for lvsctl --server: create one (shown this once,
// the server keeps only its hash), see each token's role, expiry and last use, revoke it.
import { type FormEvent, useState } from "react";
import type { Role } from "@/protocol/dashboard/index.ts";
import type { ApiTokenCreated, ApiTokenView } from "@/protocol/dashboard/tokens.ts";
import { api } from "../lib/api-client.ts";
import { useApi } from "../hooks/use-api.ts";
import { useClock } from "../hooks/use-clock.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { useSession } from "./session.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

const ROLES: Role[] = ["viewer", "operator", "admin"];

export function ApiTokens() {
  const me = useSession().session?.user;
  const { dateTime } = useClock();
  const { data: tokens, error, mutate } = useApi("GET /api/auth/tokens", {});
  const [form, setForm] = useState({ name: "", role: "", days: "" });
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState("");
  const roles = me ? ROLES.slice(0, ROLES.indexOf(me.role) + 1) : [];

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setActionError(null);
    setDone("");
    try {
      const body = { name: form.name, ...(form.role ? { role: form.role as Role } : {}), ...(form.days ? { expiresInDays: Number(form.days) } : {}) };
      setCreated(await api.tokens.create({ body }));
      setForm({ name: "", role: "", days: "" });
      await mutate();
    } catch (err) {
      setActionError(err);
    }
  };
  const revoke = async (t: ApiTokenView) => {
    if (!window.confirm(`Revoke the token "${t.name}"? lvsctl using it stops working at once.`)) return;
    setActionError(null);
    try {
      await api.tokens.revoke({ params: { id: String(t.id) } });
      setDone(`revoked ${t.name}`);
      if (created?.view.id === t.id) setCreated(null);
      await mutate();
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <section aria-label="API tokens" className="flex flex-col gap-4">
      <h2 className="text-lg font-semibold">API tokens</h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        For <code>lvsctl --server {typeof window === "undefined" ? "URL" : window.location.origin} --token-file FILE -d DIRECTOR -Ln</code>. A token acts as
        you, with at most your role; its changes are in the audit log under your name.
      </p>
      <form aria-label="New API token" className="flex flex-wrap items-end gap-3" onSubmit={(e) => void create(e)}>
        <div className="w-56">
          <TextField label="Name (where it is used)" required maxLength={64} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </div>
        <div className="w-40">
          <SelectField label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })} options={[{ value: "", label: `yours (${me?.role ?? "?"})` }, ...roles]} />
        </div>
        <div className="w-36">
          <TextField label="Expires in days" type="number" min={1} max={3650} placeholder="never" value={form.days} onChange={(e) => setForm({ ...form, days: e.target.value })} />
        </div>
        <Button type="submit" variant="primary">
          Create token
        </Button>
      </form>
      {created ? (
        <div role="status" data-testid="new-token" className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm dark:bg-amber-950">
          <p className="font-medium">The token "{created.view.name}": copy it now, it is not shown again.</p>
          <code className="mt-1 block break-all select-all">{created.token}</code>
          <p className="mt-1 text-zinc-600 dark:text-zinc-400">Save it to a file only you can read (chmod 600) and pass --token-file.</p>
          <Button size="sm" className="mt-2" onClick={() => setCreated(null)}>
            Done
          </Button>
        </div>
      ) : null}
      {actionError ? <ErrorMessage error={actionError} /> : null}
      {done ? <SuccessMessage>{done}</SuccessMessage> : null}
      {error ? <ErrorMessage error={error} /> : null}
      {/* the ruled density (border-b rows) without the band, as the users' table */}
      <Table density="ruled" className="w-full text-left text-sm">
        <THead look="bare">
          <Tr>
            <Th className="py-1">
              Name
            </Th>
            <Th>Role</Th>
            <Th>Created</Th>
            <Th>Expires</Th>
            <Th>Last used</Th>
            <Th />
          </Tr>
        </THead>
        <TBody>
          {(tokens ?? []).map((t) => (
            <Tr key={t.id} data-testid={`token-${t.name}`}>
              <Td className="py-2 font-medium">
                {t.name}
              </Td>
              <Td>{t.role}</Td>
              <Td className="text-zinc-500">
                {dateTime(t.createdAt)}
              </Td>
              <Td className="text-zinc-500">
                {t.expiresAt === null ? "never" : dateTime(t.expiresAt)}
              </Td>
              <Td className="text-zinc-500">
                {t.lastUsedAt === null ? "never" : `${dateTime(t.lastUsedAt)} from ${t.lastUsedAddress ?? "?"}`}
              </Td>
              <Td>
                <Button size="sm" variant="danger" onClick={() => void revoke(t)}>
                  Revoke
                </Button>
              </Td>
            </Tr>
          ))}
          {tokens && tokens.length === 0 ? (
            <Tr bare>
              <Td colSpan={6} className="py-2 text-zinc-500">
                No tokens.
              </Td>
            </Tr>
          ) : null}
        </TBody>
      </Table>
    </section>
  );
}
