// A service or real-server change made on a whole HA group: applied to every member (the VRRP
// MASTER first, the reference for the desired table), all or nothing. If a member refuses,
// the members already changed get the undo steps computed from their table before the change,
// the desired table stays as it was, and the error (the refusing member's code) names the
// member and its reason, with GroupChangeRefusal details. Versions: If-Match / baseVersion is
// the desired table's version; baseVersions per member are checked like group drains.
import type { GroupChangeRefusal, GroupVersionConflict } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DirectorLink } from "../agents/link.ts";
import { type TableOp, inverseOps, runOp } from "../agents/table-ops.ts";
import { type StateOf, withBaseVersions } from "../versions/at-version.ts";
import { applyToDesired } from "./desired.ts";
import type { GroupManager } from "./manager.ts";

export interface GroupBases {
  /** the desired table's version the change was based on */
  baseVersion?: string;
  /** per member director */
  baseVersions?: Map<string, string>;
}

const asProtocolError = (err: unknown): ProtocolError =>
  err instanceof ProtocolError ? err : new ProtocolError("internal", (err as Error).message ?? String(err));

function failIfOffline(name: string, members: readonly DirectorLink[]): void {
  const off = members.filter((l) => !l.online);
  if (off.length === 0) return;
  const list = off.map((l) => `${l.id} (${l.link})`).join(", ");
  throw new ProtocolError("unavailable", `group ${name}: ${list} not online: nothing was changed`, { group: name, offline: off.map((l) => l.id) });
}

/** Throws `conflict` with GroupVersionConflict details when `base` is not the desired version. */
export function checkGroupVersion(groups: GroupManager, name: string, base: string | undefined, needDesired = true): void {
  const d = groups.desired(name);
  if (!d) {
    if (!needDesired && base === undefined) return;
    throw new ProtocolError("conflict", `group ${name} has no desired table yet (no member has been online): adopt a member's table first`);
  }
  if (base === undefined || base === d.version) return;
  const details: GroupVersionConflict = { group: name, baseVersion: base, version: d.version, state: groups.detail(name) };
  throw new ProtocolError("conflict", `the desired table of group ${name} changed since version ${base} (now ${d.version}): reload and redo the change`, details);
}

/** Runs `run` holding every member's exclusive section, after the version checks (and, unless
 * `needDesired` is false, with a desired table). */
export function withGroupLocked<T>(
  groups: GroupManager,
  name: string,
  bases: GroupBases,
  stateOf: StateOf,
  run: (members: DirectorLink[]) => Promise<T>,
  needDesired = true,
): Promise<T> {
  const members = groups.require(name);
  return withBaseVersions(members, bases.baseVersions ?? new Map(), stateOf, async () => {
    checkGroupVersion(groups, name, bases.baseVersion, needDesired);
    return run(groups.ordered(name));
  });
}

/** Applies `op` to every member of the group, all or nothing; returns the members changed. */
export async function applyGroupChange(groups: GroupManager, name: string, op: TableOp, bases: GroupBases, stateOf: StateOf): Promise<string[]> {
  failIfOffline(name, groups.require(name));
  return withGroupLocked(groups, name, bases, stateOf, async (members) => {
    failIfOffline(name, members);
    const done: { link: DirectorLink; undo: TableOp[] }[] = [];
    for (const link of members) {
      // a fresh table to compute the undo steps from (mutations through the server re-list,
      // but a change made outside may not have been seen yet)
      await link.relist();
      const undo = inverseOps(link.state, op);
      try {
        await runOp(link, op);
      } catch (err) {
        throw await rollBack(name, link, asProtocolError(err), done);
      }
      done.push({ link, undo });
    }
    const d = groups.desired(name)!;
    groups.setDesired(name, applyToDesired(d.desired, op, members[0]!.state), "changed", null);
    return members.map((l) => l.id);
  });
}

async function rollBack(name: string, refused: DirectorLink, err: ProtocolError, done: { link: DirectorLink; undo: TableOp[] }[]): Promise<ProtocolError> {
  const rollbackErrors: GroupChangeRefusal["rollbackErrors"] = [];
  for (const { link, undo } of [...done].reverse()) {
    for (const u of undo) {
      try {
        await runOp(link, u);
      } catch (e) {
        rollbackErrors.push({ director: link.id, message: asProtocolError(e).message });
        break;
      }
    }
  }
  const rolledBack = done.map((d) => d.link.id);
  const details: GroupChangeRefusal = { group: name, member: refused.id, error: err.toBody(), rolledBack, rollbackErrors };
  const undone = rolledBack.length === 0 ? "no member had been changed" : `rolled back on ${rolledBack.join(", ")}`;
  const failed = rollbackErrors.length === 0 ? "" : `; the rollback failed on ${rollbackErrors.map((r) => `${r.director} (${r.message})`).join(", ")}`;
  return new ProtocolError(err.code, `group ${name}: director ${refused.id} refused the change: ${err.message}; ${undone}${failed}; the group's desired table is unchanged`, details);
}
