// One state for a real-server row, from everything known about it, first match wins:
//   down      its health checks fail (health takes it out of the pool)
//   draining  a drain job is counting its connections down
//   drained   its drain job is done (weight 0 held for Undrain or Remove)
//   weight 0  out of rotation without a drain job (set by hand, or health "disabled")
//   DR not ready  a direct-routing server whose realserver agent reports a failed check
//   unknown   health checks without a result yet
//   up        its health checks pass
//   serving   no health checks: weight above 0, in the kernel's table
// The badge's title lists every part (health, drain, DR readiness), so what lost the
// precedence is still there. Pure: unit-tested in test/unit/ui-rs-row-state.test.ts.
import type { ReadinessEntry } from "@/protocol/dashboard/index.ts";
import type { RsHealthState } from "@/protocol/health.ts";
import type { DrainPhase } from "../drain/drain-state.ts";

export type RsRowState = "down" | "draining" | "drained" | "weight-0" | "dr-not-ready" | "unknown" | "up" | "serving";

export interface RsRowInput {
  weight: number;
  /** undefined: no health checks for it */
  health?: RsHealthState | undefined;
  drain: DrainPhase;
  /** undefined: not a DR server, or not read (yet) */
  readiness?: ReadinessEntry["status"] | undefined;
}

export interface RsRowLook {
  state: RsRowState;
  label: string;
  glyph: string;
  className: string;
  /** every part, e.g. "draining · health up · DR ready" */
  title: string;
}

const LOOK: Record<RsRowState, Omit<RsRowLook, "state" | "title">> = {
  down: { label: "down", glyph: "✕", className: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-300" },
  draining: { label: "draining", glyph: "◐", className: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300" },
  drained: { label: "drained", glyph: "○", className: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300" },
  "weight-0": { label: "weight 0", glyph: "■", className: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300" },
  "dr-not-ready": { label: "DR not ready", glyph: "!", className: "bg-red-50 text-red-800 ring-red-600/30 dark:bg-red-950 dark:text-red-300" },
  unknown: { label: "unknown", glyph: "?", className: "bg-amber-50 text-amber-900 ring-amber-600/30 dark:bg-amber-950 dark:text-amber-300" },
  up: { label: "up", glyph: "●", className: "bg-emerald-50 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-950 dark:text-emerald-300" },
  serving: { label: "serving", glyph: "●", className: "bg-sky-50 text-sky-900 ring-sky-600/30 dark:bg-sky-950 dark:text-sky-300" },
};

const READINESS_TEXT: Record<ReadinessEntry["status"], string> = {
  ready: "DR ready",
  not_ready: "DR not ready",
  no_agent: "DR readiness unknown (no realserver agent for its address)",
  error: "DR readiness not read",
};

export function rsRowState({ weight, health, drain, readiness }: RsRowInput): RsRowLook {
  const state: RsRowState =
    health === "down"
      ? "down"
      : drain === "draining"
        ? "draining"
        : drain === "drained"
          ? "drained"
          : weight === 0 || health === "disabled"
            ? "weight-0"
            : readiness === "not_ready"
              ? "dr-not-ready"
              : health === "unknown"
                ? "unknown"
                : health === "up"
                  ? "up"
                  : "serving";
  const parts = [LOOK[state].label];
  parts.push(health === undefined ? "no health checks" : `health ${health}`);
  if (drain === "interrupted") parts.push("drain interrupted");
  if (drain === "failed") parts.push("drain failed");
  if (weight === 0 && state !== "weight-0") parts.push("weight 0");
  if (readiness !== undefined) parts.push(READINESS_TEXT[readiness]);
  return { state, ...LOOK[state], title: [...new Set(parts)].join(" · ") };
}
