"use client";
// The dashboard's pages render only for a signed-in user: without a session the browser goes
// to the sign-in page (or to the first-run page while no user exists).
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { ErrorMessage } from "../ui/error-message.tsx";
import { useSession } from "./session.tsx";

export function AuthGate({ children }: { children: ReactNode }) {
  const { session, error } = useSession();
  const router = useRouter();
  const path = usePathname();
  const target = session && !session.user ? (session.setupNeeded ? "/setup" : `/login?next=${encodeURIComponent(path)}`) : null;
  useEffect(() => {
    if (target) router.replace(target);
  }, [target, router]);
  if (error) return <ErrorMessage error={error} />;
  if (!session?.user) return <p className="text-sm text-zinc-500">Checking your session…</p>;
  return children;
}
