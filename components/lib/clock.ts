// Every time the dashboard shows on its charts and in the audit log is written here, in one
// time zone: the user's setting (the account page; kept in this browser's localStorage), UTC
// by default. Pure functions of (instant, zone): components get the zone from useClock()
// (components/hooks/use-clock.ts), which renders UTC on the server and during hydration and
// the stored zone right after, so the server's HTML and the browser's first render agree.
// No locale-dependent output: the fields come from Intl's formatToParts in a fixed locale and
// are assembled as "2026-12-02 17:05:09Z" (UTC) or "2026-12-02 22:35:09 +05:30".

export const DEFAULT_TIME_ZONE = "UTC";
export const TIME_ZONE_STORAGE_KEY = "lvs-fleet.timeZone";

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const isUtc = (zone: string) => zone === "UTC" || zone === "Etc/UTC";

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** true for a zone this browser (or Node) knows: "UTC", "Europe/Paris", ... */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone === "") return false;
  try {
    formatterOf(zone);
    return true;
  } catch {
    return false;
  }
}

/** The stored setting, or UTC when it is absent or not a zone. */
export function parseTimeZone(stored: string | null | undefined): string {
  return isTimeZone(stored) ? stored : DEFAULT_TIME_ZONE;
}

/** The wall-clock fields of an instant in a zone. */
export function zoneFields(ms: number, zone: string): Fields {
  const d = new Date(ms);
  if (isUtc(zone)) {
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const parts: Record<string, number> = {};
  for (const p of formatterOf(zone).formatToParts(d)) if (p.type !== "literal") parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** The zone's offset from UTC at that instant, in minutes (+330 for Asia/Kolkata). */
export function zoneOffsetMinutes(ms: number, zone: string): number {
  if (isUtc(zone)) return 0;
  const f = zoneFields(ms, zone);
  const wall = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** "Z" in UTC, else "+05:30" / "-08:00". */
export function offsetLabel(ms: number, zone: string): string {
  if (isUtc(zone)) return "Z";
  const m = zoneOffsetMinutes(ms, zone);
  const a = Math.abs(m);
  return `${m < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

const dayOf = (f: Fields) => `${pad(f.year, 4)}-${pad(f.month)}-${pad(f.day)}`;
const timeOf = (f: Fields) => `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;

/** An audit row's time: "2026-12-02 17:05:09Z" in UTC (components/lib/format.ts's
 * formatTimestamp), "2026-12-02 22:35:09 +05:30" elsewhere. */
export function formatDateTime(ms: number, zone: string): string {
  if (!Number.isFinite(ms)) return "-";
  const f = zoneFields(ms, zone);
  const off = offsetLabel(ms, zone);
  return `${dayOf(f)} ${timeOf(f)}${off === "Z" ? "Z" : ` ${off}`}`;
}

/** "12:03:04 UTC" on the same day (in the zone) as `nowMs`, else "2026-11-30 12:03:04 UTC";
 * another zone is named by its offset: "17:33:04 +05:30". */
export function formatClockTime(ms: number, nowMs: number, zone: string): string {
  if (!Number.isFinite(ms)) return "-";
  const f = zoneFields(ms, zone);
  const today = Number.isFinite(nowMs) ? dayOf(zoneFields(nowMs, zone)) : "";
  const off = offsetLabel(ms, zone);
  const time = `${timeOf(f)} ${off === "Z" ? "UTC" : off}`;
  return dayOf(f) === today ? time : `${dayOf(f)} ${time}`;
}

/**
 * A time axis tick (seconds since the epoch) for ticks `incrSeconds` apart: "17:05:09" under a
 * minute, "17:05" under a day, "12-02" for whole days; a tick that starts a new day (in the
 * zone) under a day's spacing gets its date too ("12-02 00:00").
 */
export function formatAxisTime(seconds: number, incrSeconds: number, zone: string, prevSeconds?: number): string {
  const ms = seconds * 1000;
  if (!Number.isFinite(ms)) return "";
  const f = zoneFields(ms, zone);
  const md = `${pad(f.month)}-${pad(f.day)}`;
  if (incrSeconds >= 86400) return md;
  const hm = incrSeconds < 60 ? timeOf(f) : `${pad(f.hour)}:${pad(f.minute)}`;
  const newDay = prevSeconds === undefined || dayOf(zoneFields(prevSeconds * 1000, zone)) !== dayOf(f);
  return newDay && incrSeconds >= 3600 ? `${md} ${hm}` : hm;
}

/** How the zone is named next to times: "UTC", or "Asia/Kolkata (UTC+05:30)". */
export function zoneLabel(zone: string, nowMs = Date.now()): string {
  if (isUtc(zone)) return "UTC";
  const off = offsetLabel(nowMs, zone);
  return `${zone} (UTC${off})`;
}

/** Zones people look for by these names: ICU lists some under older ones (Chromium has
 * "Asia/Calcutta", not "Asia/Kolkata"), so they are offered too. */
const WELL_KNOWN = [
  "Europe/London", "Europe/Paris", "Europe/Berlin", "Europe/Kyiv", "America/New_York", "America/Chicago", "America/Denver",
  "America/Los_Angeles", "America/Sao_Paulo", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Ho_Chi_Minh", "Asia/Shanghai",
  "Asia/Tokyo", "Asia/Singapore", "Australia/Sydney", "Pacific/Auckland",
];

/** The zones offered by the setting: UTC first, then every zone this browser knows, sorted. */
export function timeZonesOffered(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
  const all = new Set([...(intl.supportedValuesOf?.("timeZone") ?? []), ...WELL_KNOWN.filter(isTimeZone)]);
  return [DEFAULT_TIME_ZONE, ...[...all].filter((z) => !isUtc(z)).sort()];
}
