// URLs of the REST API and of the dashboard's pages, built in one place so that service and
// real-server keys are always encoded the same way (they contain ':' '[' ']').

const enc = encodeURIComponent;

/** The audit log's filters (server/http/routes-audit.ts). */
export type AuditFilter = Partial<Record<"director" | "action" | "user" | "q" | "outcome" | "format", string> & Record<"since" | "until" | "limit" | "before", number>>;

export const api = {
  directors: () => "/api/directors",
  director: (id: string) => `/api/directors/${enc(id)}`,
  services: (id: string) => `/api/directors/${enc(id)}/services`,
  service: (id: string, svc: string) => `/api/directors/${enc(id)}/services/${enc(svc)}`,
  destinations: (id: string, svc: string) => `/api/directors/${enc(id)}/services/${enc(svc)}/destinations`,
  destination: (id: string, svc: string, dest: string) =>
    `/api/directors/${enc(id)}/services/${enc(svc)}/destinations/${enc(dest)}`,
  rules: (id: string, format: "ipvsadm" | "keepalived" = "ipvsadm") =>
    format === "ipvsadm" ? `/api/directors/${enc(id)}/rules` : `/api/directors/${enc(id)}/rules?format=${format}`,
  rulesDiff: (id: string) => `/api/directors/${enc(id)}/rules/diff`,
  rulesImport: (id: string) => `/api/directors/${enc(id)}/rules/import`,
  history: (id: string, svc: string, range: string) =>
    `/api/directors/${enc(id)}/history?service=${enc(svc)}&range=${enc(range)}`,
  historySource: () => "/api/history/source",
  conns: (id: string, query: URLSearchParams) => `/api/directors/${enc(id)}/conns?${query.toString()}`,
  sysctls: (id: string) => `/api/directors/${enc(id)}/sysctls`,
  readiness: (id: string, svc: string) => `/api/readiness?director=${enc(id)}&service=${enc(svc)}`,
  readinessFix: () => "/api/readiness/fix",
  fleetReadiness: () => "/api/readiness/fleet",
  search: (q: string) => `/api/search?q=${enc(q)}`,
  /** filters: director, action (or "family.*"), user, q, since, until, outcome, limit, before; empty ones left out */
  audit: (q: AuditFilter, path = "/api/audit") => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") p.set(k, String(v));
    const s = p.toString();
    return s ? `${path}?${s}` : path;
  },
  groups: () => "/api/groups",
  group: (name: string) => `/api/groups/${enc(name)}`,
  groupDrift: (name: string) => `/api/groups/${enc(name)}/drift`,
  groupIdentical: (name: string) => `/api/groups/${enc(name)}/identical`,
  groupAdopt: (name: string) => `/api/groups/${enc(name)}/adopt`,
  drains: () => "/api/drains",
  undrain: (job: string) => `/api/drains/${enc(job)}/undrain`,
  removeDrained: (job: string) => `/api/drains/${enc(job)}/remove`,
  health: (id: string) => `/api/directors/${enc(id)}/health`,
  healthConfig: (id: string) => `/api/directors/${enc(id)}/health/config`,
  healthService: (id: string, svc: string) => `/api/directors/${enc(id)}/health/services/${enc(svc)}`,
  healthDestination: (id: string, svc: string, dest: string) =>
    `/api/directors/${enc(id)}/health/services/${enc(svc)}/destinations/${enc(dest)}`,
};

export const pages = {
  fleet: () => "/",
  director: (id: string) => `/directors/${enc(id)}`,
  service: (id: string, svc: string) => `/directors/${enc(id)}/services/${enc(svc)}`,
  connections: (id: string) => `/directors/${enc(id)}/connections`,
  sysctls: (id: string) => `/directors/${enc(id)}/sysctls`,
  audit: () => "/audit",
  group: (name: string) => `/groups/${enc(name)}`,
};

/** Where the service and real-server forms send a table's changes: one director's table, or
 * an HA group's desired table (applied to every member, rolled back on all if one refuses). */
export interface TablePaths {
  services: string;
  service: (svc: string) => string;
  destinations: (svc: string) => string;
  destination: (svc: string, dest: string) => string;
}

export function directorTable(id: string): TablePaths {
  return {
    services: api.services(id),
    service: (svc) => api.service(id, svc),
    destinations: (svc) => api.destinations(id, svc),
    destination: (svc, dest) => api.destination(id, svc, dest),
  };
}

export function groupTable(name: string): TablePaths {
  const base = `/api/groups/${enc(name)}/services`;
  return {
    services: base,
    service: (svc) => `${base}/${enc(svc)}`,
    destinations: (svc) => `${base}/${enc(svc)}/destinations`,
    destination: (svc, dest) => `${base}/${enc(svc)}/destinations/${enc(dest)}`,
  };
}

/** A dynamic route segment back to its original text (Next hands params over still encoded). */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
