// URLs of the dashboard's pages, built in one place so that service and real-server keys are
// always encoded the same way (they contain ':' '[' ']'). The REST API's are the contract's
// (protocol/dashboard/routes.ts, called through lib/api-client.ts).

const enc = encodeURIComponent;

/** The audit log's filters (server/http/routes-audit.ts): the query of GET /api/audit. */
export type AuditFilter = Partial<Record<"director" | "action" | "user" | "q" | "outcome" | "format", string> & Record<"since" | "until" | "limit" | "before", number>>;

export const pages = {
  fleet: () => "/",
  director: (id: string) => `/directors/${enc(id)}`,
  service: (id: string, svc: string) => `/directors/${enc(id)}/services/${enc(svc)}`,
  connections: (id: string) => `/directors/${enc(id)}/connections`,
  sysctls: (id: string) => `/directors/${enc(id)}/sysctls`,
  audit: () => "/audit",
  group: (name: string) => `/groups/${enc(name)}`,
};

/** A dynamic route segment back to its original text (Next hands params over still encoded). */
export function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
