// The connection page's filter form -> the URL parameters of GET /api/directors/:id/conns
// (server/http/conns-query.ts reads them back into a protocol ConnQuery).

export interface ConnFilters {
  protocol: string;
  state: string;
  client: string;
  vip: string;
  realServer: string;
  templates: "include" | "exclude" | "only";
  sort: "" | "expires" | "client" | "state" | "dest";
  order: "asc" | "desc";
}

export const NO_FILTERS: ConnFilters = {
  protocol: "",
  state: "",
  client: "",
  vip: "",
  realServer: "",
  templates: "include",
  sort: "",
  order: "asc",
};

export const PAGE_SIZE = 1000;

export function connsQueryParams(f: ConnFilters, page: number, pageSize = PAGE_SIZE): URLSearchParams {
  const p = new URLSearchParams();
  const set = (k: string, v: string) => {
    const t = v.trim().replace(/\s*,\s*/g, ",");
    if (t) p.set(k, t);
  };
  set("protocol", f.protocol.toUpperCase());
  set("state", f.state.toUpperCase());
  set("client", f.client);
  const vip = f.vip.trim();
  if (/^fwmark\s*[:=]?\s*\d+$/i.test(vip)) p.set("fwmark", vip.replace(/\D+/g, ""));
  else set("vip", vip);
  set("realServer", f.realServer);
  if (f.templates !== "include") p.set("templates", f.templates);
  if (f.sort) {
    p.set("sort", f.sort);
    p.set("order", f.order);
  }
  p.set("offset", String(page * pageSize));
  p.set("limit", String(pageSize));
  p.set("byState", "1");
  p.set("byRealServer", "1");
  return p;
}

// ---- the page's own URL: filters, page and auto-refresh survive a reload and can be shared ----

/** Auto-refresh choices in seconds; 0 = off. */
export const REFRESH_CHOICES = [0, 5, 10, 30, 60] as const;

export interface ConnsPageState {
  filters: ConnFilters;
  page: number;
  /** seconds between automatic reads; 0 = off */
  refresh: number;
}

const TEXT_KEYS = ["protocol", "state", "client", "vip", "realServer"] as const;
const oneOf = <T extends string>(v: string | null, allowed: readonly T[], fallback: T): T => (v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : fallback);

/** The page's state from its URL; anything unknown or malformed falls back to the default. */
export function connsStateFromUrl(p: URLSearchParams): ConnsPageState {
  const filters: ConnFilters = { ...NO_FILTERS };
  for (const k of TEXT_KEYS) filters[k] = (p.get(k) ?? "").slice(0, 200);
  filters.templates = oneOf(p.get("templates"), ["include", "exclude", "only"], "include");
  filters.sort = oneOf(p.get("sort"), ["", "expires", "client", "state", "dest"], "");
  filters.order = oneOf(p.get("order"), ["asc", "desc"], "asc");
  const page = Number(p.get("page") ?? "1");
  const refresh = Number(p.get("refresh") ?? "0");
  return {
    filters,
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page - 1 : 0,
    refresh: (REFRESH_CHOICES as readonly number[]).includes(refresh) ? refresh : 0,
  };
}

/** The page's URL query for its state: only what differs from the defaults (page 1-based). */
export function connsStateToUrl(s: ConnsPageState): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of TEXT_KEYS) if (s.filters[k].trim()) p.set(k, s.filters[k].trim());
  if (s.filters.templates !== "include") p.set("templates", s.filters.templates);
  if (s.filters.sort) {
    p.set("sort", s.filters.sort);
    if (s.filters.order !== "asc") p.set("order", s.filters.order);
  }
  if (s.page > 0) p.set("page", String(s.page + 1));
  if (s.refresh > 0) p.set("refresh", String(s.refresh));
  return p;
}
