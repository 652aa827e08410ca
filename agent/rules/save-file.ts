// The agent's own save file: the applied rules in `ipvsadm -S -n` syntax plus -x/-y (which
// ipvsadm-save drops), so `ipvsadm-restore` can read it too. Written atomically (temp file in
// the same directory, fsync, rename) after each change, and restored at start. A scheduler
// outside the known ones is saved by its kernel name (`-s twos`, as ipvsadm -S writes it, not
// the placeholder "none" that would unbind it on restore); restoring that line is refused with
// its line number (agent/rules/plan.ts), so only ipvsadm-restore can bring that service back.
import { randomBytes } from "node:crypto";
import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import { formatSave, parseRestore } from "@/protocol/ipvsadm/save.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import { type ApplyMode, type ApplyReport, RulesValidationError, applyRules } from "./apply.ts";

const HEADER = "# lvs-fleet agent rules (ipvsadm -S -n format with thresholds)\n";

export function saveFileText(services: readonly ServiceRules[]): string {
  return HEADER + formatSave(services, { thresholds: true });
}

/** Replace `path` with `text` so readers see either the old or the new file, never a mix. */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(tmp, "w", mode);
  try {
    await fh.writeFile(text, "utf8");
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** Write the kernel's current rules to the save file. */
export async function saveRules(client: IpvsClient, path: string): Promise<void> {
  await writeFileAtomic(path, saveFileText(await client.listServices()));
}

/** null when the file does not exist yet. */
export async function readSaveFile(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * Restore the save file at start (replace mode by default: the table becomes the file).
 * Returns null when there is no file. Syntax errors throw RulesValidationError before
 * anything is applied; kernel errors throw RulesApplyError after rolling back.
 */
export async function restoreRules(client: IpvsClient, path: string, mode: ApplyMode = "replace"): Promise<ApplyReport | null> {
  const text = await readSaveFile(path);
  if (text === null) return null;
  const parsed = parseRestore(text);
  if (parsed.errors.length > 0) throw new RulesValidationError(parsed.errors);
  return applyRules(client, parsed.operations, mode);
}

/** Apply a rule set, then persist the resulting table (only when the apply succeeded). */
export async function applyAndSave(
  client: IpvsClient,
  text: string,
  mode: ApplyMode,
  path: string | null,
): Promise<ApplyReport> {
  const parsed = parseRestore(text);
  if (parsed.errors.length > 0) throw new RulesValidationError(parsed.errors);
  const report = await applyRules(client, parsed.operations, mode);
  if (path) await saveRules(client, path);
  return report;
}
