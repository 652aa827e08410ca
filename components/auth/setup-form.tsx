"use client";
// First run: create the first admin. Works only while no user exists, and asks for the
// one-time setup code the server printed in its log (whoever reaches the page first must
// also see the server's output).
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { useSWRConfig } from "swr";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { TextField } from "../ui/field.tsx";
import { SESSION_PATH, useSession } from "./session.tsx";

export function SetupForm() {
  const [form, setForm] = useState({ username: "admin", password: "", again: "", code: "" });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  const { session } = useSession();
  const { mutate } = useSWRConfig();

  useEffect(() => {
    if (session && !session.setupNeeded) router.replace(session.user ? "/" : "/login");
  }, [session, router]);

  const mismatch = form.again !== "" && form.again !== form.password ? "the passwords differ" : undefined;
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      const view = await api.auth.setup({ body: { username: form.username, password: form.password, code: form.code.trim() } });
      await mutate(SESSION_PATH, view, { revalidate: false });
      router.replace("/");
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form aria-label="Create the first admin" className="flex flex-col gap-3" onSubmit={(e) => void submit(e)}>
      <TextField label="Setup code (printed in the server's log)" name="code" required autoComplete="off" value={form.code} onChange={set("code")} />
      <TextField label="Admin username" name="username" required autoComplete="username" value={form.username} onChange={set("username")} />
      <TextField label="Password (at least 10 characters)" name="password" type="password" required minLength={10} autoComplete="new-password" value={form.password} onChange={set("password")} />
      <TextField label="Password again" name="again" type="password" required autoComplete="new-password" value={form.again} onChange={set("again")} error={mismatch} />
      {error ? <ErrorMessage error={error} /> : null}
      <Button type="submit" variant="primary" busy={busy}>
        Create admin and sign in
      </Button>
    </form>
  );
}
