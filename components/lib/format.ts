// Number and time formatting for the dashboard: rates, byte counts, counts, ETAs and ages.
// Pure functions so the same text renders on the server and in the browser (no locale APIs:
// a locale-dependent string would differ between the two and break hydration).

const SI = ["", "k", "M", "G", "T", "P", "E"] as const;

/** 3 significant digits at most: 0.5, 12.3, 999, then 1.00k ... */
function threeDigits(v: number): string {
  if (v === 0) return "0";
  if (v >= 100) return String(Math.round(v));
  if (v >= 10) return trimZeros(v.toFixed(1));
  return trimZeros(v.toFixed(2));
}

function trimZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** A count or rate with an SI suffix: 0, 12, 999, 1.2k, 45.6M. Negative and NaN show "-". */
export function formatSi(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "-";
  let v = n;
  let i = 0;
  while (i < SI.length - 1 && Math.round(v * 100) / 100 >= 999.5) {
    v /= 1000;
    i++;
  }
  return `${threeDigits(v)}${SI[i]}`;
}

/** Bytes in binary units: 0 B, 512 B, 1.5 KiB, 3.2 GiB. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let v = n;
  let i = 0;
  while (i < units.length - 1 && Math.round(v * 100) / 100 >= 1023.5) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(Math.round(v)) : threeDigits(v)} ${units[i]}`;
}

/** Bytes per second as the estimator reports them, shown in bits like link speeds: "12.3 Mbit/s". */
export function formatBitRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) return "-";
  const s = formatSi(bytesPerSecond * 8);
  const prefix = /[kMGTPE]$/.test(s) ? s.slice(-1) : "";
  return `${prefix ? s.slice(0, -1) : s} ${prefix}bit/s`;
}

export function formatRate(perSecond: number, unit: string): string {
  return `${formatSi(perSecond)} ${unit}/s`;
}

/** A whole count with thin grouping: 1234567 -> "1 234 567" (locale-free). */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "-";
  const sign = n < 0 ? "-" : "";
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
}

/** A duration in seconds: "0s", "45s", "3m 20s", "2h 05m", "3d 4h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "-";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** The drain countdown's ETA: unknown while the server has no rate yet, "done" at zero. */
export function formatEta(etaSeconds: number | null | undefined, remaining: number): string {
  if (remaining <= 0) return "done";
  if (etaSeconds === null || etaSeconds === undefined || !Number.isFinite(etaSeconds)) return "ETA unknown";
  return `ETA ${formatDuration(etaSeconds)}`;
}

/** "just now", "12s ago", "5m ago", ... relative to `now` (both ms since the epoch). */
export function formatAgo(thenMs: number, nowMs: number): string {
  const s = Math.max(0, (nowMs - thenMs) / 1000);
  if (s < 2) return "just now";
  return `${formatDuration(s).split(" ")[0]} ago`;
}

/** ISO-like UTC timestamp, identical on server and browser: "2025-01-31 14:05:09Z". */
export function formatTimestamp(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d{3}Z$/, "Z");
}
