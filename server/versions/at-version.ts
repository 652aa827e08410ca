// Optimistic concurrency on directors' tables: a mutation based on a version of a table runs
// only if that is still the table's version, checked against a fresh re-list (a change made
// with ipvsadm counts too) while no other mutation through this server runs on that director.
import type { DirectorDetailView, VersionConflictDetails } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DirectorLink } from "../agents/link.ts";

/** The current table of a director, for the conflict's details. */
export type StateOf = (link: DirectorLink) => DirectorDetailView;

function failIfOffline(l: DirectorLink): void {
  if (!l.online) {
    throw new ProtocolError("unavailable", `director ${l.id} is ${l.link}${l.linkError ? `: ${l.linkError}` : ""}: nothing was changed`);
  }
}

/** Throws `conflict` (409) with VersionConflictDetails when `base` is not the current version. */
export async function checkVersion(l: DirectorLink, base: string, stateOf: StateOf): Promise<void> {
  failIfOffline(l);
  await l.relist();
  failIfOffline(l);
  if (l.state.version === base) return;
  const details: VersionConflictDetails = { director: l.id, baseVersion: base, version: l.state.version, state: stateOf(l) };
  throw new ProtocolError(
    "conflict",
    `the table of director ${l.id} changed since version ${base} (now ${l.state.version}): reload and redo the change`,
    details,
  );
}

/**
 * Runs `run` holding every link's exclusive section (taken in id order, so two multi-director
 * mutations cannot wait on each other), after checking the base version given for each link.
 * Links without a base version are locked but not checked.
 */
export async function withBaseVersions<T>(
  links: readonly DirectorLink[],
  bases: ReadonlyMap<string, string>,
  stateOf: StateOf,
  run: () => Promise<T>,
): Promise<T> {
  const sorted = [...new Map(links.map((l) => [l.id, l])).values()].sort((a, b) => a.id.localeCompare(b.id));
  for (const id of bases.keys()) {
    if (!sorted.some((l) => l.id === id)) {
      throw new ProtocolError("bad_request", `a base version was given for director ${id}, which this change does not touch`);
    }
  }
  const step = (i: number): Promise<T> => {
    const l = sorted[i];
    if (!l) return run();
    return l.exclusive(async () => {
      const base = bases.get(l.id);
      if (base !== undefined) await checkVersion(l, base, stateOf);
      return step(i + 1);
    });
  };
  return step(0);
}
