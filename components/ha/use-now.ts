"use client";
// A clock for "2m ago" texts: one shared timer for every component that shows an age, so a
// page with many badges ticks once per second, not once per badge.
import { useSyncExternalStore } from "react";

const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(onChange: () => void): () => void {
  listeners.add(onChange);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(onChange);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** ms since the epoch, updated every second while mounted (0 during server rendering). */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now, () => 0);
}
