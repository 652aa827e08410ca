// What an audit entry changed, in words, from the state the server kept before and after it
// (server/http/audit-state.ts: a service's configuration and its real servers', a director's
// settings, sysctl values, a health configuration, or the whole table as ipvsadm text):
// "10.0.0.11:80 weight 1 → 5", "10.0.0.12:80 added (weight 1, forwarding masq)",
// "+ -a -t 172.16.0.100:80 -r 10.0.0.13:80 -m -w 1". Pure: unit-tested, rendered inline on
// each audit row.
import { type AuditEntry, auditOutcome } from "@/protocol/dashboard/index.ts";

export interface AuditChange {
  /** "+" added, "-" removed, "~" changed */
  kind: "+" | "-" | "~";
  text: string;
}

/** Path segments that only group things: left out of the words ("config", "destinations"). */
const QUIET = new Set(["config", "destinations", "members", "values", "settings"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "string") return v === "" ? '""' : v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

const words = (path: readonly string[]) => path.filter((p) => !QUIET.has(p)).join(" ");

/** "weight 1, forwarding masq" for an added or removed object: its first leaves. */
function summary(v: unknown, max = 4): string {
  if (!isObject(v)) return show(v);
  const leaves: string[] = [];
  const walk = (o: Record<string, unknown>, path: string[]) => {
    for (const [k, x] of Object.entries(o)) {
      if (leaves.length > max) return;
      if (isObject(x)) walk(x, [...path, k]);
      else if (x !== null && x !== undefined) leaves.push(`${words([...path, k])} ${show(x)}`);
    }
  };
  walk(v, []);
  const more = leaves.length > max ? ", …" : "";
  return leaves.slice(0, max).join(", ") + more;
}

function textDiff(before: string, after: string, path: string[], out: AuditChange[]): void {
  const a = before.split("\n").filter((l) => l.trim() !== "");
  const b = after.split("\n").filter((l) => l.trim() !== "");
  const inA = new Set(a);
  const inB = new Set(b);
  const prefix = words(path);
  for (const l of a) if (!inB.has(l)) out.push({ kind: "-", text: prefix ? `${prefix}: ${l}` : l });
  for (const l of b) if (!inA.has(l)) out.push({ kind: "+", text: prefix ? `${prefix}: ${l}` : l });
}

function diff(before: unknown, after: unknown, path: string[], out: AuditChange[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const name = words(path);
  const absent = (v: unknown) => v === null || v === undefined;
  if (absent(before) && isObject(after)) {
    out.push({ kind: "+", text: `${name ? `${name} ` : ""}added (${summary(after)})` });
    return;
  }
  if (isObject(before) && absent(after)) {
    out.push({ kind: "-", text: `${name ? `${name} ` : ""}removed` });
    return;
  }
  if (isObject(before) && isObject(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) diff(before[k], after[k], [...path, k], out);
    return;
  }
  if (typeof before === "string" && typeof after === "string" && (before.includes("\n") || after.includes("\n"))) {
    textDiff(before, after, path, out);
    return;
  }
  out.push({ kind: "~", text: `${name ? `${name} ` : ""}${show(before)} → ${show(after)}` });
}

/** The state could not be read (agent offline): the server kept {unavailable: why}. */
function unavailable(v: unknown): string | null {
  return isObject(v) && typeof v.unavailable === "string" && Object.keys(v).length === 1 ? v.unavailable : null;
}

/**
 * The changes between an entry's before and after, in the order of the state's keys; empty
 * when the entry keeps no state (logins, refusals) or nothing differs. A side that could not
 * be read is one line saying so.
 */
export function auditChanges(e: Pick<AuditEntry, "before" | "after" | "ok" | "result">): AuditChange[] {
  const before = e.before ?? null;
  const after = e.after ?? null;
  // a running entry has no after-state yet; an interrupted one never gets one
  const outcome = auditOutcome(e);
  if (outcome === "pending" || outcome === "interrupted" || (before === null && after === null)) return [];
  const out: AuditChange[] = [];
  const a = unavailable(before);
  const b = unavailable(after);
  if (a !== null || b !== null) {
    out.push({ kind: "~", text: `state ${a !== null ? "before" : "after"} unavailable: ${a ?? b}` });
    return out;
  }
  diff(before, after, [], out);
  return out;
}

/** One line for the row: the first `max` changes, then "+N more". */
export function auditChangeLines(changes: readonly AuditChange[], max = 4): { shown: AuditChange[]; more: number } {
  return { shown: changes.slice(0, max), more: Math.max(0, changes.length - max) };
}
