"use client";
// The signed-in user (a link to their account page: API tokens), their role, and "Sign out".
import Link from "next/link";
import { useState } from "react";
import { api } from "../lib/api-client.ts";
import { Button } from "../ui/button.tsx";
import { useSession } from "./session.tsx";

export function UserMenu() {
  const { session } = useSession();
  const [busy, setBusy] = useState(false);
  const user = session?.user;
  if (!user) return null;
  const signOut = async () => {
    setBusy(true);
    try {
      await api.auth.logout();
    } finally {
      window.location.assign("/login");
    }
  };
  return (
    <div className="flex items-center gap-2 text-sm">
      <span data-testid="current-user">
        <Link href="/account" className="hover:underline" title="Your account: API tokens">
          {user.username}
        </Link>{" "}
        <span className="text-zinc-500">({user.role})</span>
      </span>
      <Button size="sm" busy={busy} onClick={() => void signOut()}>
        Sign out
      </Button>
    </div>
  );
}
