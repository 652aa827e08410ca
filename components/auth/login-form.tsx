"use client";
// Sign in with username and password. Failures keep the server's message ("wrong username or
// password", or "too many failed sign-ins: try again in N s").
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { useSWRConfig } from "swr";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { ErrorMessage } from "../ui/error-message.tsx";
import { TextField } from "../ui/field.tsx";
import { SESSION_PATH, safeNext, useSession } from "./session.tsx";

export function LoginForm() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  const next = safeNext(useSearchParams().get("next"));
  const { session } = useSession();
  const { mutate } = useSWRConfig();

  useEffect(() => {
    if (session?.setupNeeded) router.replace("/setup");
    else if (session?.user) router.replace(next);
  }, [session, next, router]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const view = await api.auth.login({ body: { username, password } });
      await mutate(SESSION_PATH, view, { revalidate: false });
      router.replace(next);
    } catch (err) {
      setError(err);
      setPassword("");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form aria-label="Sign in" className="flex flex-col gap-3" onSubmit={(e) => void submit(e)}>
      <TextField label="Username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      {error ? <ErrorMessage error={error} /> : null}
      <Button type="submit" variant="primary" busy={busy}>
        Sign in
      </Button>
    </form>
  );
}
