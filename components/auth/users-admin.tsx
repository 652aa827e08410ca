"use client";
// Admins manage dashboard users: create with a role, change the role, reset the password,
// delete. A role change or a reset signs that user out everywhere (the server does it).
import { type FormEvent, useState } from "react";
import type { Role, UserView } from "@/protocol/dashboard/index.ts";
import { api } from "../lib/api-client.ts";
import { useApi } from "../hooks/use-api.ts";
import { useClock } from "../hooks/use-clock.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage, SuccessMessage } from "../ui/error-message.tsx";
import { SelectField, TextField } from "../ui/field.tsx";
import { useSession } from "./session.tsx";
import { Table, TBody, Td, Th, THead, Tr } from "../ui/table.tsx";

const ROLES: Role[] = ["viewer", "operator", "admin"];

export function UsersAdmin() {
  const { data: users, error, mutate } = useApi("GET /api/users", {});
  const me = useSession().session?.user;
  const [form, setForm] = useState({ username: "", password: "", role: "viewer" as Role });
  const [actionError, setActionError] = useState<unknown>(null);
  const [done, setDone] = useState("");

  const run = async (what: string, fn: () => Promise<unknown>) => {
    setActionError(null);
    setDone("");
    try {
      await fn();
      setDone(what);
      await mutate();
    } catch (err) {
      setActionError(err);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    void run(`created ${form.username}`, async () => {
      await api.users.create({ body: form });
      setForm({ username: "", password: "", role: "viewer" });
    });
  };

  return (
    <div className="flex flex-col gap-6">
      <form aria-label="New user" className="flex flex-wrap items-end gap-3" onSubmit={create}>
        <div className="w-48">
          <TextField label="Username" required value={form.username} onChange={(e) => setForm({ ...form, username: e.target.value })} />
        </div>
        <div className="w-56">
          <TextField label="Password (at least 10 characters)" type="password" autoComplete="new-password" required minLength={10} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </div>
        <div className="w-36">
          <SelectField label="Role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} options={ROLES} />
        </div>
        <Button type="submit" variant="primary">
          Create user
        </Button>
      </form>
      {actionError ? <ErrorMessage error={actionError} /> : null}
      {done ? <SuccessMessage>{done}</SuccessMessage> : null}
      {error ? <ErrorMessage error={error} /> : null}
      {/* ruled rows (border-b) without the band: a short list on a settings page */}
      <Table density="ruled" className="w-full text-left text-sm">
        <THead look="bare">
          <Tr>
            <Th className="py-1">
              User
            </Th>
            <Th>Role</Th>
            <Th>Created</Th>
            <Th>Actions</Th>
          </Tr>
        </THead>
        <TBody>
          {(users ?? []).map((u) => (
            <UserRow key={u.id} user={u} self={u.id === me?.id} run={run} />
          ))}
        </TBody>
      </Table>
    </div>
  );
}

function UserRow({ user, self, run }: { user: UserView; self: boolean; run: (what: string, fn: () => Promise<unknown>) => Promise<void> }) {
  const [password, setPassword] = useState("");
  const { dateTime } = useClock();
  const params = { id: String(user.id) };
  return (
    <Tr className="align-top" data-testid={`user-${user.username}`}>
      <Td className="py-2 font-medium">
        {user.username}
        {self ? <span className="ml-1 text-xs text-zinc-500">(you)</span> : null}
      </Td>
      <Td className="py-2">
        <select
          aria-label={`Role of ${user.username}`}
          className="rounded-md border border-zinc-300 bg-white px-1 py-0.5 dark:border-zinc-600 dark:bg-zinc-900"
          value={user.role}
          onChange={(e) => void run(`${user.username} is now ${e.target.value}`, () => api.users.update({ params, body: { role: e.target.value as UserView["role"] } }))}
        >
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </Td>
      <Td className="py-2 text-zinc-500">
        {dateTime(user.createdAt)}
      </Td>
      <Td className="flex flex-wrap items-center gap-2 py-2">
        <input
          aria-label={`New password for ${user.username}`}
          type="password"
          autoComplete="new-password"
          placeholder="new password"
          className="h-7 w-40 rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-600 dark:bg-zinc-900"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <Button size="sm" disabled={password.length < 10} onClick={() => void run(`password of ${user.username} reset`, async () => {
          await api.users.update({ params, body: { password } });
          setPassword("");
        })}>
          Reset password
        </Button>
        <Button size="sm" variant="danger" disabled={self} onClick={() => {
          if (window.confirm(`Delete user ${user.username}?`)) void run(`deleted ${user.username}`, () => api.users.remove({ params }));
        }}>
          Delete
        </Button>
      </Td>
    </Tr>
  );
}
