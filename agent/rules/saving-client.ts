// `--save-file`: an IpvsClient whose changes are followed by a rewrite of the save file, so the
// file is current even when the host dies without a clean shutdown (a reboot never runs our
// SIGTERM handler). Saves are coalesced: a 25,000-line import writes the file once or twice,
// not 25,000 times, and at most one save runs at a time.
import type { IpvsClient } from "../ipvs/types.ts";
import { saveRules } from "./save-file.ts";

const MUTATORS = new Set<keyof IpvsClient>([
  "createService",
  "updateService",
  "deleteService",
  "createDestination",
  "updateDestination",
  "deleteDestination",
  "flush",
]);

export interface SavingIpvsClient extends IpvsClient {
  /** Resolves once every change made so far is in the file. */
  saved(): Promise<void>;
}

export function withSaveFile(inner: IpvsClient, path: string, onError: (e: unknown) => void, delayMs = 50): SavingIpvsClient {
  let dirty = false;
  let running: Promise<void> | null = null;

  const loop = async () => {
    await new Promise((r) => setTimeout(r, delayMs));
    while (dirty) {
      dirty = false;
      try {
        await saveRules(inner, path);
      } catch (e) {
        onError(e);
      }
    }
    running = null;
  };
  const markDirty = () => {
    dirty = true;
    running ??= loop();
  };

  return new Proxy(inner as SavingIpvsClient, {
    get(target, prop, receiver) {
      if (prop === "saved") return async () => {
        while (running) await running;
      };
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (!MUTATORS.has(prop as keyof IpvsClient)) return value.bind(target);
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } finally {
          // also after a failure: a rolled-back batch may still have changed the table briefly
          markDirty();
        }
      };
    },
  });
}
