// The checks file: the health configuration (with each server's latest intent) saved beside
// the rules, so an agent restart or a reboot brings the checks back before the first one runs.
// Written atomically whenever the configuration, an intent or a server's up/down state changes
// (not on every check result). The states ("alive") let a restart or a reboot keep the checks'
// effect: a server that was down stays out until a check passes, one that was up stays in.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { HealthConfig } from "@/protocol/health.ts";
import { DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import { writeFileAtomic } from "../rules/save-file.ts";
import { aliveId, type HealthManager } from "./manager.ts";

const AliveStates = z.array(z.object({ service: ServiceKey, key: DestinationKey, alive: z.boolean() })).max(100_000);

export interface ChecksFile {
  config: HealthConfig;
  /** aliveId(service, key) -> alive, as the agent last saw it (absent in older files) */
  alive: Map<string, boolean>;
}

export class ChecksFileError extends Error {
  override readonly name = "ChecksFileError";
}

/** null when the file does not exist; a file that does not validate is an error, never half-read. */
export async function readChecksFile(path: string): Promise<ChecksFile | null> {
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
  const a = AliveStates.optional().safeParse((json as { alive?: unknown }).alive);
  if (!a.success) throw new ChecksFileError(`${path}: alive.${a.error.issues[0]!.path.join(".")}: ${a.error.issues[0]!.message}`);
  return { config: r.data, alive: new Map((a.data ?? []).map((x) => [aliveId(x.service, x.key), x.alive])) };
}

const fileText = (health: HealthManager) => JSON.stringify({ ...health.config(), alive: health.aliveStates() });

/** Keeps the file equal to health.config(); returns a function that flushes pending writes. */
export function keepChecksFile(health: HealthManager, path: string, onError: (e: Error) => void, delayMs = 200): () => Promise<void> {
  let last = fileText(health);
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    timer = null;
    const text = fileText(health);
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
