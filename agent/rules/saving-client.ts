// `--save-file`: an IpvsClient whose changes are followed by a rewrite of the save file, so the
// file is current even when the host dies without a clean shutdown (a reboot never runs our
// SIGTERM handler). Saves are coalesced: a 25,000-line import writes the file once or twice,
// not 25,000 times, and at most one save runs at a time. After a batch whose caller tells the
// resulting table (noteTable) and nobody else changed anything meanwhile, the file is written
// from that table instead of listing the kernel again (a 25,000-entry listing costs seconds
// on a small director, and would compete with the next request).
import type { ServiceRules } from "@/protocol/ipvsadm/names.ts";
import type { IpvsClient } from "../ipvs/types.ts";
import { saveFileText, saveRules, writeFileAtomic } from "./save-file.ts";

const MUTATORS = new Set<keyof IpvsClient>([
  "createService",
  "updateService",
  "deleteService",
  "createDestination",
  "updateDestination",
  "deleteDestination",
  "flush",
  "applyBatch",
]);

export interface SavingIpvsClient extends IpvsClient {
  /** Resolves once every change made so far is in the file. */
  saved(): Promise<void>;
}

export function withSaveFile(
  inner: IpvsClient,
  path: string,
  onError: (e: unknown) => void,
  delayMs = 50,
  maxWaitMs = 5000,
): SavingIpvsClient {
  let dirty = false;
  let running: Promise<void> | null = null;
  /** mutating calls started, and those not finished yet */
  let started = 0;
  let inFlight = 0;
  /** the table as a caller reported it, valid while `started` has not moved */
  let known: { rules: readonly ServiceRules[]; at: number } | null = null;

  /**
   * Waits until no change has been in flight or started for delayMs (at most maxWaitMs of
   * changes that keep starting): listing the kernel in the middle of an import competes with
   * it, and only the table at its end matters.
   */
  const quiet = async () => {
    const t0 = Date.now();
    for (;;) {
      const seen = started;
      await new Promise((r) => setTimeout(r, delayMs));
      if (inFlight === 0 && (started === seen || Date.now() - t0 > maxWaitMs)) return;
    }
  };

  const loop = async () => {
    while (dirty) {
      await quiet();
      dirty = false;
      try {
        const k = known;
        known = null;
        if (k && k.at === started && inFlight === 0) await writeFileAtomic(path, saveFileText(k.rules));
        else await saveRules(inner, path);
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
      if (prop === "mutationCount") return () => started;
      if (prop === "noteTable")
        return (rules: readonly ServiceRules[], since: number, ownChanges: number) => {
          // only when the caller's own changes are all that happened since `since`
          known = started === since + ownChanges && inFlight === 0 ? { rules, at: started } : null;
        };
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (!MUTATORS.has(prop as keyof IpvsClient)) return value.bind(target);
      return async (...args: unknown[]) => {
        started++;
        inFlight++;
        try {
          return await value.apply(target, args);
        } finally {
          inFlight--;
          // also after a failure: a rolled-back batch may still have changed the table briefly
          markDirty();
        }
      };
    },
  });
}
