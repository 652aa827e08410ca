// What is wrong with a member's keepalived, in one sentence, or null when nothing is: the
// agent's error first (it says why: failed to start, died, refused its config), else "not
// running". A member without HA configured has no keepalived status and no problem.
import type { KeepalivedStatus } from "@/protocol/ha.ts";

export function keepalivedProblem(k: Pick<KeepalivedStatus, "running" | "error"> | null | undefined): string | null {
  if (!k) return null;
  const error = k.error ?? null; // live views drop nulls (merge patches)
  if (error) return k.running ? error : `not running: ${error}`;
  return k.running ? null : "not running";
}
