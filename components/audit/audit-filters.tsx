"use client";
// The audit page's filters, all applied by the server (GET /api/audit): a text search (every
// word in the user, action, director, target, request or result), the user, the director,
// an action or a family of them ("dest.*"), the outcome and how far back. The search box
// waits for a pause in typing (300 ms) before it asks.
import { useEffect, useState } from "react";
import { SelectField, TextField } from "../ui/field.tsx";

export const AUDIT_ACTIONS = [
  "director.create", "director.update", "director.delete", "director.trust", "director.token",
  "service.create", "service.update", "service.delete",
  "dest.create", "dest.update", "dest.delete",
  "drain.start", "drain.undrain", "drain.remove", "drain.interrupted",
  "rules.import", "sysctl.set", "readiness.fix",
  // server/http/routes-ipvsadm.ts: the table-wide ipvsadm verbs, on a director or a group
  "flush", "zero", "timeouts.set", "daemon.start", "daemon.stop",
  "group.flush", "group.zero", "group.timeouts.set", "group.daemon.start", "group.daemon.stop",
  // server/health: automatic transitions (done by "health check") and operators' check edits
  "health.transition", "health.configure",
  "group.service.create", "group.service.update", "group.service.delete",
  "group.dest.create", "group.dest.update", "group.dest.delete",
  "group.rules.import", "group.identical", "group.adopt", "group.seed", "ha.transition", "audit.archive",
  "user.create", "user.update", "user.delete", "token.create", "token.revoke",
  "auth.login", "auth.logout", "auth.setup", "auth.password", "auth.session", "auth.denied", "auth.csrf", "auth.origin",
] as const;

/** Families: every action starting "<family>." (the server's "family.*"). */
const FAMILIES = ["director", "service", "dest", "drain", "health", "group", "user", "auth"] as const;

/** Labels of actions whose name alone does not say who does them. */
const ACTION_LABELS: Partial<Record<(typeof AUDIT_ACTIONS)[number], string>> = {
  "health.transition": "health.transition (by health check)",
  "health.configure": "health.configure (checks edited)",
};

export const AUDIT_WINDOWS = { "": "any time", "3600": "last hour", "86400": "last 24 hours", "604800": "last 7 days", "2592000": "last 30 days" } as const;
export type AuditWindow = keyof typeof AUDIT_WINDOWS;

export interface AuditFilterState {
  q: string;
  user: string;
  director: string;
  action: string;
  outcome: "" | "ok" | "failed" | "pending";
  window: AuditWindow;
  /** when the window was chosen: its start is this minus the window */
  windowAt: number;
}

export const NO_AUDIT_FILTERS: AuditFilterState = { q: "", user: "", director: "", action: "", outcome: "", window: "", windowAt: 0 };

/** The server's filters for a state: since = when the window was chosen minus its length. */
export function auditQueryOf(f: AuditFilterState) {
  return {
    q: f.q,
    user: f.user,
    director: f.director,
    action: f.action,
    outcome: f.outcome,
    ...(f.window === "" ? {} : { since: f.windowAt - Number(f.window) * 1000 }),
  };
}

/** A text field that reports its value once typing pauses. */
function useSettled(value: string, set: (v: string) => void, ms = 300) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  useEffect(() => {
    if (draft === value) return;
    const t = setTimeout(() => set(draft), ms);
    return () => clearTimeout(t);
  }, [draft, value, set, ms]);
  return [draft, setDraft] as const;
}

export function AuditFilters({
  value,
  onChange,
  directors,
}: {
  value: AuditFilterState;
  onChange: (next: AuditFilterState) => void;
  directors: readonly string[];
}) {
  const [q, setQ] = useSettled(value.q, (v) => onChange({ ...value, q: v }));
  const [user, setUser] = useSettled(value.user, (v) => onChange({ ...value, user: v }));
  return (
    <>
      <div className="w-64">
        <TextField label="Search" type="search" placeholder="address, action, user…" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      <div className="w-36">
        <TextField label="User" placeholder="any user" value={user} onChange={(e) => setUser(e.target.value)} />
      </div>
      <div className="w-40">
        <SelectField
          label="Director"
          value={value.director}
          onChange={(e) => onChange({ ...value, director: e.target.value })}
          options={[{ value: "", label: "all directors" }, ...directors]}
        />
      </div>
      <div className="w-56">
        <SelectField
          label="Action"
          value={value.action}
          onChange={(e) => onChange({ ...value, action: e.target.value })}
          options={[
            { value: "", label: "all actions" },
            ...FAMILIES.map((f) => ({ value: `${f}.*`, label: `${f}.* (every ${f} action)` })),
            ...AUDIT_ACTIONS.map((a) => ({ value: a, label: ACTION_LABELS[a] ?? a })),
          ]}
        />
      </div>
      <div className="w-32">
        <SelectField
          label="Outcome"
          value={value.outcome}
          onChange={(e) => onChange({ ...value, outcome: e.target.value as AuditFilterState["outcome"] })}
          options={[
            { value: "", label: "any outcome" },
            { value: "ok", label: "ok" },
            { value: "failed", label: "failed" },
            { value: "pending", label: "running" },
          ]}
        />
      </div>
      <div className="w-36">
        <SelectField
          label="When"
          value={value.window}
          onChange={(e) => onChange({ ...value, window: e.target.value as AuditWindow, windowAt: Date.now() })}
          options={Object.entries(AUDIT_WINDOWS).map(([v, label]) => ({ value: v, label }))}
        />
      </div>
    </>
  );
}
