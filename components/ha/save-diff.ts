// A member's drift as lines of `ipvsadm -S -n`. The server sends the line diff from the member's
// table to the group's (MemberDrift.diff): "-" lines only the member has (a rule someone made
// by hand: "Make identical" removes it), "+" lines only the group's table has (the member lacks
// it: "Make identical" adds it). A "-" and a "+" line that define the same rule (the service,
// plus the real server for -a) are one rule with other options: "changed", shown as both lines.

export type DiffKind = "same" | "extra" | "missing" | "changed";

export interface DriftRow {
  kind: DiffKind;
  /** the member's line (extra, changed, same) or the group's (missing) */
  line: string;
  /** for "changed": the group's line */
  expected?: string;
}

/** The rule a save line defines: "-A -t 10.0.0.1:80" or "-a -t 10.0.0.1:80 -r 10.0.1.11:80";
 * null for a line that is not a rule. */
export function ruleKey(line: string): string | null {
  const t = line.trim().split(/[ \t]+/);
  if (t[0] === "ipvsadm") t.shift();
  const cmd = t[0];
  if ((cmd !== "-A" && cmd !== "-a") || t.length < 3) return null;
  const service = `${t[1]} ${t[2]}`;
  if (cmd === "-A") return `-A ${service}`;
  const r = t.indexOf("-r");
  return r > 0 && t[r + 1] ? `-a ${service} -r ${t[r + 1]}` : null;
}

/** One line of the server's diff: its marker and the save line after it. "@@" hunks and the
 * "---"/"+++" file headers of a unified diff are not changes (null). */
export function parseDiffLine(line: string): { kind: "extra" | "missing" | "same"; text: string } | null {
  if (line.startsWith("@@") || line.startsWith("+++ ") || line.startsWith("--- ")) return null;
  // a save rule itself starts with "-A"/"-a", so its removal reads "--A ...", never "--- "
  if (line.startsWith("-")) return { kind: "extra", text: line.slice(1) };
  if (line.startsWith("+")) return { kind: "missing", text: line.slice(1) };
  return { kind: "same", text: line.startsWith(" ") ? line.slice(1) : line };
}

/** The rows to show, in the diff's order; a changed rule is shown where its first line was. */
export function driftRows(diff: readonly string[]): DriftRow[] {
  const rows: DriftRow[] = [];
  // the open (unpaired) row of each rule key, to pair a "-" with its "+"
  const open = new Map<string, number>();
  for (const raw of diff) {
    const p = parseDiffLine(raw);
    if (!p || p.text.trim() === "") continue;
    if (p.kind === "same") {
      rows.push({ kind: "same", line: p.text });
      continue;
    }
    const key = ruleKey(p.text);
    const at = key === null ? undefined : open.get(key);
    const other = at === undefined ? undefined : rows[at];
    if (key !== null && other && other.kind !== p.kind && (other.kind === "extra" || other.kind === "missing")) {
      const member = p.kind === "extra" ? p.text : other.line;
      const group = p.kind === "missing" ? p.text : other.line;
      rows[at!] = { kind: "changed", line: member, expected: group };
      open.delete(key);
      continue;
    }
    if (key !== null) open.set(key, rows.length);
    rows.push({ kind: p.kind, line: p.text });
  }
  return rows;
}

export function countDrift(rows: readonly DriftRow[]): Record<Exclude<DiffKind, "same">, number> {
  const n = { extra: 0, missing: 0, changed: 0 };
  for (const r of rows) if (r.kind !== "same") n[r.kind]++;
  return n;
}
