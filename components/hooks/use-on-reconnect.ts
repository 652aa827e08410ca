"use client";
// Calls back when a director's link comes back online (from the live fleet topic), so a page
// that shows data read from the agent (the connection table) reads it again by itself instead
// of keeping the offline error until a manual reload.
import { useEffect, useRef } from "react";
import type { LinkState } from "@/protocol/dashboard/index.ts";
import { cameBackOnline } from "../lib/link-transitions.ts";
import { useFleet } from "./use-fleet.ts";

export function useOnReconnect(director: string, onReconnect: () => void): void {
  const link = useFleet().directors?.[director]?.link;
  const seen = useRef<{ director: string; link: LinkState | undefined }>({ director, link });
  // the latest callback (declared first, so it is current when the effect below runs): it
  // reads with the page's current filters without the link effect firing when they change
  const callback = useRef(onReconnect);
  useEffect(() => {
    callback.current = onReconnect;
  });

  useEffect(() => {
    // another director's last state says nothing about this one
    const prev = seen.current.director === director ? seen.current.link : undefined;
    if (cameBackOnline(prev, link)) callback.current();
    seen.current = { director, link };
  }, [director, link]);
}
