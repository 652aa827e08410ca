"use client";
// The user's time zone (components/lib/clock.ts) for every time on the charts and in the audit
// log: stored in this browser's localStorage by the account page's setting, UTC by default.
// The server's render and hydration use UTC (getServerSnapshot), then the stored zone; a
// change in another tab ('storage') or in this one (setTimeZone) re-renders every user.
import { useCallback, useMemo, useSyncExternalStore } from "react";
import {
  DEFAULT_TIME_ZONE,
  formatAxisTime,
  formatClockTime,
  formatDateTime,
  parseTimeZone,
  TIME_ZONE_STORAGE_KEY,
  zoneLabel,
} from "../lib/clock.ts";

const CHANGED = "lvs-fleet:time-zone";

function subscribe(onChange: () => void): () => void {
  const onStorage = (e: StorageEvent) => {
    if (e.key === null || e.key === TIME_ZONE_STORAGE_KEY) onChange();
  };
  window.addEventListener("storage", onStorage);
  window.addEventListener(CHANGED, onChange);
  return () => {
    window.removeEventListener("storage", onStorage);
    window.removeEventListener(CHANGED, onChange);
  };
}

function readStored(): string {
  try {
    return parseTimeZone(window.localStorage.getItem(TIME_ZONE_STORAGE_KEY));
  } catch {
    return DEFAULT_TIME_ZONE; // storage disabled
  }
}

/** Stores the zone for this browser (UTC removes the setting) and tells every useClock(). */
export function setTimeZone(zone: string): void {
  const z = parseTimeZone(zone);
  try {
    if (z === DEFAULT_TIME_ZONE) window.localStorage.removeItem(TIME_ZONE_STORAGE_KEY);
    else window.localStorage.setItem(TIME_ZONE_STORAGE_KEY, z);
  } catch {
    // storage disabled: nothing to keep
  }
  window.dispatchEvent(new Event(CHANGED));
}

export function useTimeZone(): string {
  return useSyncExternalStore(subscribe, readStored, () => DEFAULT_TIME_ZONE);
}

/** The zone and its formatters: dateTime(ms) for rows, clock(ms, now) for "since", axis(...) for chart ticks. */
export function useClock() {
  const zone = useTimeZone();
  const dateTime = useCallback((ms: number) => formatDateTime(ms, zone), [zone]);
  const clock = useCallback((ms: number, nowMs: number) => formatClockTime(ms, nowMs, zone), [zone]);
  const axis = useCallback((seconds: number, incrSeconds: number, prevSeconds?: number) => formatAxisTime(seconds, incrSeconds, zone, prevSeconds), [zone]);
  return useMemo(() => ({ zone, label: zoneLabel(zone), dateTime, clock, axis }), [zone, dateTime, clock, axis]);
}
