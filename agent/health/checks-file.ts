// The checks file: the health configuration (with each server's latest intent) saved beside
// the rules, so an agent restart or a reboot brings the checks back before the first one runs.
// Written atomically whenever the configuration changes (not on every check result).
import { readFile } from "node:fs/promises";
import { HealthConfig } from "../../protocol/health.ts";
import { writeFileAtomic } from "../rules/save-file.ts";
import type { HealthManager } from "./manager.ts";

export class ChecksFileError extends Error {
  override readonly name = "ChecksFileError";
}

/** null when the file does not exist; a file that does not validate is an error, never half-read. */
export async function readChecksFile(path: string): Promise<HealthConfig | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ChecksFileError(`${path}: not JSON: ${(e as Error).message}`);
  }
  const r = HealthConfig.safeParse(json);
  if (!r.success) throw new ChecksFileError(`${path}: ${r.error.issues[0]!.path.join(".")}: ${r.error.issues[0]!.message}`);
  return r.data;
}

/** Keeps the file equal to health.config(); returns a function that flushes pending writes. */
export function keepChecksFile(health: HealthManager, path: string, onError: (e: Error) => void, delayMs = 200): () => Promise<void> {
  let last = JSON.stringify(health.config());
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = null;
    const text = JSON.stringify(health.config());
    if (text === last) return;
    last = text;
    writing = writing.then(() => writeFileAtomic(path, `${text}\n`)).catch((e: Error) => onError(e));
  };
  health.onChange(() => {
    timer ??= setTimeout(write, delayMs);
  });
  return async () => {
    if (timer) {
      clearTimeout(timer);
      write();
    }
    await writing;
  };
}
