"use client";
// A director's pages exist only for a registered director or realserver agent: once the fleet
// is known and the id is not in it, the page is Next's 404 (notFound) instead of an empty page
// with buttons. While the fleet loads, or when it cannot be read, the page renders as before.
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { useFleet } from "../hooks/use-fleet.ts";

export function DirectorGate({ id, children }: { id: string; children: ReactNode }) {
  const { directors, error } = useFleet();
  if (directors && !error && !directors[id]) notFound();
  return children;
}

/** True for a realserver agent (no IPVS table of its own: no services, import, connections). */
export function useIsRealServerAgent(id: string): boolean {
  const { directors } = useFleet();
  return directors?.[id]?.role === "realserver";
}
