"use client";
// The account page's time zone: every time on the charts and in the audit log is shown in it
// (components/lib/clock.ts). Kept in this browser (localStorage), UTC by default; the
// browser's own zone is offered first after UTC.
import { useEffect, useMemo, useState } from "react";
import { setTimeZone, useClock } from "../hooks/use-clock.ts";
import { formatDateTime, timeZonesOffered, zoneLabel } from "../lib/clock.ts";
import { SelectField } from "../ui/field.tsx";

export function TimeZoneSetting() {
  const { zone } = useClock();
  // the zone list and the browser's zone only exist in the browser: after mount
  const [zones, setZones] = useState<string[]>([]);
  const [local, setLocal] = useState<string | null>(null);
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setZones(timeZonesOffered());
    setLocal(Intl.DateTimeFormat().resolvedOptions().timeZone ?? null);
    setNow(Date.now());
  }, []);
  const options = useMemo(() => {
    const first = ["UTC", ...(local && local !== "UTC" ? [local] : []), ...(zone !== "UTC" && zone !== local ? [zone] : [])];
    const rest = zones.filter((z) => !first.includes(z));
    return [...first.map((z) => ({ value: z, label: z === local ? `${z} (this browser's zone)` : z })), ...rest];
  }, [zones, local, zone]);
  return (
    <section aria-labelledby="tz-title" className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
      <h2 id="tz-title" className="text-lg font-semibold">
        Time zone
      </h2>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Times on the charts and in the audit log are shown in this zone (kept in this browser; UTC unless you choose another).
      </p>
      <div className="w-80">
        <SelectField label="Show times in" value={zone} onChange={(e) => setTimeZone(e.target.value)} options={options} />
      </div>
      <p data-testid="time-zone-now" className="text-sm text-zinc-600 dark:text-zinc-400">
        Now: {now === null ? "…" : `${formatDateTime(now, zone)} (${zoneLabel(zone, now)})`}
      </p>
    </section>
  );
}
