// One member's drift as ipvsadm-save lines: "-" only on the member (Make identical removes it),
// "+" only in the group's table (it adds it), a changed rule as both lines. Each kind has its
// marker and a word for screen readers, not only its colour.
import { type DriftRow, driftRows, countDrift } from "./save-diff.ts";

const STYLE = {
  extra: "bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-200",
  missing: "bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  changed: "bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
  same: "text-zinc-600 dark:text-zinc-400",
} as const;

export function DriftDiff({ member, diff }: { member: string; diff: readonly string[] }) {
  const rows = driftRows(diff);
  const n = countDrift(rows);
  return (
    <div className="flex flex-col gap-1">
      <p className="text-xs">
        <span className={STYLE.extra}>{n.extra} only on {member}</span>, <span className={STYLE.missing}>{n.missing} missing on {member}</span>,{" "}
        <span className={STYLE.changed}>{n.changed} changed</span>
      </p>
      <ul className="max-h-80 overflow-auto rounded-md border border-zinc-200 font-mono text-xs dark:border-zinc-800" data-testid={`drift-diff-${member}`}>
        {rows.map((r, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a diff may repeat a line; rows are replaced together
          <Row key={i} r={r} member={member} />
        ))}
      </ul>
    </div>
  );
}

function Row({ r, member }: { r: DriftRow; member: string }) {
  if (r.kind === "changed") {
    return (
      <li className={`px-2 py-0.5 ${STYLE.changed}`} data-kind="changed">
        <span className="sr-only">changed: on {member} </span>
        <div>
          <span aria-hidden="true">~- </span>
          {r.line}
          <span className="ml-2 font-sans text-[11px]">(on {member})</span>
        </div>
        <div>
          <span aria-hidden="true">~+ </span>
          <span className="sr-only">in the group's table </span>
          {r.expected}
          <span aria-hidden="true" className="ml-2 font-sans text-[11px]">(group)</span>
        </div>
      </li>
    );
  }
  const mark = r.kind === "extra" ? "- " : r.kind === "missing" ? "+ " : "  ";
  const word = r.kind === "extra" ? `only on ${member}: ` : r.kind === "missing" ? `missing on ${member}: ` : "";
  return (
    <li className={`px-2 py-0.5 whitespace-pre ${STYLE[r.kind]}`} data-kind={r.kind}>
      <span aria-hidden="true">{mark}</span>
      {word && <span className="sr-only">{word}</span>}
      {r.line}
    </li>
  );
}
