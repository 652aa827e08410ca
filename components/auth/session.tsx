"use client";
// Who is signed in, for the whole page: GET /api/auth/session (public, never 401). The UI
// hides what the role cannot do; the server checks every request anyway.
import type { ReactNode } from "react";
import type { Role, } from "@/protocol/dashboard/index.ts";
import { sameOriginPath } from "@/protocol/safe-redirect.ts";
import { url } from "../lib/api-client.ts";
import { useApi } from "../hooks/use-api.ts";

export const SESSION_PATH = url("GET /api/auth/session");

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export function roleAllows(have: Role | undefined, need: Role): boolean {
  return have !== undefined && RANK[have] >= RANK[need];
}

export function useSession() {
  const res = useApi("GET /api/auth/session", {}, { refreshInterval: 60_000 });
  return { session: res.data, error: res.error, isLoading: res.isLoading, mutate: res.mutate };
}

/** Whether the signed-in user has at least this role (false while unknown). */
export function useCan(role: Role): boolean {
  return roleAllows(useSession().session?.user?.role, role);
}

/** Renders its children only for users with at least the role `min`. */
export function RequireRole({ min, children }: { min: Role; children: ReactNode }) {
  return useCan(min) ? children : null;
}

/** A path of this site to return to after signing in (never another site: no open redirect). */
export function safeNext(next: string | null): string {
  // parsed as the browser will ("/\t/evil.com" is "//evil.com" to it), not prefix-matched
  return sameOriginPath(next);
}
