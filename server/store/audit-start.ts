// What an audited action records when it begins (server/store/audit.ts begin()); its own
// file so that the refusal aggregator (audit-refusals.ts) and the log need not import each other.
export interface AuditStart {
  user: string;
  action: string;
  director: string | null;
  target: string | null;
  request: unknown;
  /** the affected state before the action (rule-changing mutations) */
  before?: unknown;
}
