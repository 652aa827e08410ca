// --restore at boot: load the save file into the empty table. A replace import is all or
// nothing, which is right for an operator's import but wrong at boot: one line the kernel or
// the agent refuses (a scheduler module this kernel lacks, a scheduler the agent cannot write)
// would leave the director with no rules at all. `ipvsadm -R` at boot applies what it can; we
// do better than its stop-at-first-error: the refused lines are left out (blanked, so every
// later message still names the file's own line numbers) and the rest is imported again, up
// to a few rounds (leaving out a service makes its real-server lines fail in the next one).
// Every line left out is reported with its reason.
import type { ResultData } from "@/protocol/agent/catalog.ts";

type RulesImported = ResultData<"rules.import">;

export interface LeftOutLine {
  line: number;
  text: string;
  reason: string;
}

export interface BootRestore {
  /** the last import's answer (applied, or refused for a reason without a line) */
  result: RulesImported;
  leftOut: LeftOutLine[];
}

/** Rounds of leaving lines out before giving up (a service, then its real servers, then slack). */
export const RESTORE_ROUNDS = 4;

export async function restoreLeavingOutRefused(
  text: string,
  importText: (text: string) => Promise<RulesImported>,
): Promise<BootRestore> {
  const lines = text.split("\n");
  const leftOut: LeftOutLine[] = [];
  let result = await importText(text);
  for (let round = 1; round < RESTORE_ROUNDS && !result.applied; round++) {
    const errors = result.errors;
    // only errors that name a line of the file can be left out; anything else stops here
    if (errors.length === 0 || errors.some((e) => e.line === undefined || !lines[e.line - 1]?.trim())) break;
    for (const e of errors) {
      const i = e.line! - 1;
      leftOut.push({ line: e.line!, text: lines[i]!.trim(), reason: e.message });
      lines[i] = "";
    }
    result = await importText(lines.join("\n"));
  }
  return { result, leftOut };
}
