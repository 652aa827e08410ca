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
