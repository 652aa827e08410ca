// Drift in detail and "Make identical". The agent is the judge of its own table: rules.export
// gives the member's table as ipvsadm -S -n text, rules.diff against the desired text gives the
// change list (one service / real-server create, update or delete each). Making a member
// identical runs exactly that list, change by change (never a flush-and-rebuild, so the
// counters of everything not changed survive); the preview is the same list, not applied.
import type { GroupDrift, MakeIdenticalResult, MemberDrift } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { RuleChange } from "@/protocol/agent/rules.ts";
import type { DirectorLink } from "../agents/link.ts";
import { type TableOp, inverseOps, opOfChange, runOp } from "../agents/table-ops.ts";
import type { StateOf } from "../versions/at-version.ts";
import { withGroupLocked } from "./change.ts";
import { desiredText, saveTextDiff } from "./desired.ts";
import type { GroupManager } from "./manager.ts";

type MemberResult = MakeIdenticalResult["members"][string];

const errorOf = (err: unknown) => (err instanceof ProtocolError ? err : new ProtocolError("internal", (err as Error).message));

/** The member's table as the agent exports it (ipvsadm -S -n format). */
export async function liveText(l: DirectorLink): Promise<string> {
  const out = await l.request("rules.export", { format: "ipvsadm" });
  return out.format === "ipvsadm" ? out.text : "";
}

async function changesOf(l: DirectorLink, desired: string): Promise<RuleChange[]> {
  return (await l.request("rules.diff", { source: { format: "ipvsadm", text: desired } })).changes;
}

export async function groupDrift(groups: GroupManager, name: string): Promise<GroupDrift> {
  const members = groups.require(name);
  const d = groups.desired(name);
  if (!d) throw new ProtocolError("conflict", `group ${name} has no desired table yet (no member has been online): adopt a member's table first`);
  const text = desiredText(d.desired);
  const out: GroupDrift["members"] = {};
  await Promise.all(
    members.map(async (l) => {
      let m: MemberDrift;
      try {
        const [live, changes] = await Promise.all([liveText(l), changesOf(l, text)]);
        m = { director: l.id, status: changes.length === 0 ? "in_sync" : "drifted", error: null, live, diff: saveTextDiff(live, text), changes };
      } catch (err) {
        m = { director: l.id, status: "unavailable", error: errorOf(err).message, live: null, diff: [], changes: [] };
      }
      out[l.id] = m;
    }),
  );
  return { group: name, version: d.version, desired: text, members: Object.fromEntries(members.map((l) => [l.id, out[l.id]!])) };
}

/** Applies the change list to one member; on a refusal the changes already made are undone. */
async function apply(l: DirectorLink, changes: RuleChange[]): Promise<MemberResult> {
  const undo: TableOp[][] = [];
  for (const c of changes) {
    const op = opOfChange(c);
    // the link re-lists after every mutation, so its table is the one this op runs on
    const inverse = inverseOps(l.state, op);
    try {
      await runOp(l, op);
      undo.push(inverse);
    } catch (err) {
      const e = errorOf(err);
      const rollbackErrors: string[] = [];
      for (const steps of undo.reverse()) {
        for (const s of steps) await runOp(l, s).catch((x: Error) => rollbackErrors.push(x.message));
      }
      const msg = `${l.id} refused ${c.action} ${c.destination ? "real server" : "service"}: ${e.message}; the ${undo.length} change(s) made before were ${rollbackErrors.length ? `rolled back except: ${rollbackErrors.join("; ")}` : "rolled back"}`;
      return { director: l.id, status: "failed", changes, applied: 0, error: { code: e.code, message: msg } };
    }
  }
  return { director: l.id, status: "changed", changes, applied: changes.length, error: null };
}

export interface IdenticalRequest {
  members?: string[] | undefined;
  dryRun: boolean;
  baseVersion?: string | undefined;
}

/**
 * Makes the chosen members (default: every member whose table differs) identical to the
 * desired table, each on its own: a member that refuses is rolled back and reported, the
 * others still change. The dry run answers the same lists without applying them.
 */
/** bad_request unless every named director is a member of the group. */
export function checkMembers(groups: GroupManager, name: string, members: readonly string[] | undefined): void {
  const all = groups.require(name);
  for (const id of members ?? []) {
    if (!all.some((l) => l.id === id)) throw new ProtocolError("bad_request", `director ${id} is not a member of group ${name}`);
  }
}

export async function makeIdentical(groups: GroupManager, name: string, req: IdenticalRequest, stateOf: StateOf): Promise<MakeIdenticalResult> {
  checkMembers(groups, name, req.members);
  const bases = req.baseVersion === undefined ? {} : { baseVersion: req.baseVersion };
  return withGroupLocked(groups, name, bases, stateOf, async (members) => {
    const d = groups.desired(name)!;
    const text = desiredText(d.desired);
    const chosen = members.filter((l) => req.members === undefined || req.members.includes(l.id)).sort((a, b) => a.id.localeCompare(b.id));
    const out: MakeIdenticalResult["members"] = {};
    for (const l of chosen) {
      let changes: RuleChange[];
      try {
        changes = await changesOf(l, text);
      } catch (err) {
        const e = errorOf(err);
        out[l.id] = { director: l.id, status: "failed", changes: [], applied: 0, error: e.toBody() };
        continue;
      }
      if (changes.length === 0) out[l.id] = { director: l.id, status: "unchanged", changes, applied: 0, error: null };
      else if (req.dryRun) out[l.id] = { director: l.id, status: "would_change", changes, applied: 0, error: null };
      else out[l.id] = await apply(l, changes);
    }
    return { group: name, dryRun: req.dryRun, version: d.version, members: out };
  });
}
