// /api/directors/:id/rules: export as ipvsadm -S -n text (or keepalived.conf with ?format=
// keepalived), diff and import such text. A keepalived.conf's preview is the agent's dry run
// of the import: the same changes as rules.diff, plus the warnings for keywords not carried.
// /api/groups/:group/rules/import (lvsctl -g -R): the ipvsadm text imported on every member,
// the MASTER first; a member's refusal puts the members already changed back as they were.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import type { DirectorLink } from "../agents/link.ts";
import { withGroupLocked } from "../groups/change.ts";
import { tableOfState } from "../groups/desired.ts";
import { runOnMembers, undoByText } from "../groups/run-members.ts";
import { directorDetailView } from "../live/views.ts";
import { membersRulesText, rulesText } from "./audit-state.ts";
import { audited } from "./audited.ts";
import { atVersion, readJsonWithBase } from "../versions/request.ts";
import { MAX_RULES_BODY_BYTES, readJson, sendText } from "./respond.ts";
import type { Router } from "./router.ts";

/** The dashboard's merge adds or updates: an -A / -a of what the table has updates it (the
 * preview's "changed"), where lvsctl -R keeps ipvsadm -R's "already exists". */
const MERGE_EXISTING = "update";

export function rulesRoutes(router: Router, app: Dashboard): void {
  router
    .on("GET /api/directors/:id/rules", async ({ res, params, query }) => {
      const l = app.fleet.get(params.id!);
      const format = query.get("format") ?? "ipvsadm";
      if (format !== "ipvsadm" && format !== "keepalived") throw new ProtocolError("bad_request", `format "${format}" is not ipvsadm or keepalived`);
      sendText(res, 200, await rulesText(l, format));
      return undefined;
    })
    .on("POST /api/directors/:id/rules/diff", async ({ req, params }) => {
      const l = app.fleet.get(params.id!);
      const body = await readJson(req, bodySchemaOf("POST /api/directors/:id/rules/diff"), "rules diff request", MAX_RULES_BODY_BYTES);
      if (body.format === "keepalived") {
        const r = await l.request("rules.import", { source: { format: "keepalived", text: body.text }, mode: body.mode, dryRun: true }, { deadlineMs: 120_000 });
        if (r.errors.length > 0) throw new ProtocolError("bad_request", r.errors.map((e) => (e.line === undefined ? e.message : `line ${e.line}: ${e.message}`)).join("\n"), { errors: r.errors });
        return { changes: body.mode === "merge" ? r.changes.filter((c) => c.action !== "delete") : r.changes, warnings: r.warnings ?? [] };
      }
      const { changes } = await l.request("rules.diff", { source: { format: "ipvsadm", text: body.text } });
      // a merge never deletes: show what a merge import would do
      return { changes: body.mode === "merge" ? changes.filter((c) => c.action !== "delete") : changes };
    })
    .on("POST /api/directors/:id/rules/import", async ({ req, params, principal }) => {
      const l = app.fleet.get(params.id!);
      const { body, baseVersion } = await readJsonWithBase(req, bodySchemaOf("POST /api/directors/:id/rules/import"), "rules import request", { limit: MAX_RULES_BODY_BYTES });
      const run = () =>
        l.request("rules.import", { source: { format: body.format, text: body.text }, mode: body.mode, dryRun: body.dryRun, existing: MERGE_EXISTING }, { deadlineMs: 120_000 });
      if (body.dryRun) return run();
      const request = { mode: body.mode, format: body.format, lines: body.text.split("\n").length, text: body.text.slice(0, 64 * 1024) };
      // the whole table before and after, as ipvsadm -S -n text
      const state = () => rulesText(l);
      const succeeded = (r: unknown) => (r as { applied?: boolean }).applied !== false;
      return audited(app, principal, { action: "rules.import", director: l.id, target: body.format === "keepalived" ? `${body.mode} keepalived` : body.mode, request, state, succeeded }, () =>
        atVersion(app, l, baseVersion, run),
      );
    })
    .on("POST /api/groups/:group/rules/import", async ({ req, params, principal }) => {
      const name = params.group!;
      const members = app.groups.require(name);
      const { body, baseVersion } = await readJsonWithBase(req, bodySchemaOf("POST /api/groups/:group/rules/import"), "rules import request", { limit: MAX_RULES_BODY_BYTES });
      if (body.format !== "ipvsadm") {
        throw new ProtocolError("bad_request", `a group's import takes ipvsadm text: a keepalived.conf carries each director's checks and VRRP, import it on each member (-d)`);
      }
      const importOn = (l: DirectorLink, dryRun: boolean) =>
        l.request("rules.import", { source: { format: "ipvsadm", text: body.text }, mode: body.mode, dryRun, existing: MERGE_EXISTING }, { deadlineMs: 120_000 });
      const stateOf = (l: DirectorLink) => directorDetailView(l, app.drainOf);
      const bases = baseVersion === undefined ? {} : { baseVersion };
      const run = () =>
        withGroupLocked(app.groups, name, bases, stateOf, async (ordered) => {
          if (body.dryRun) {
            const [first] = ordered;
            const preview = first ? await importOn(first, true) : null;
            return { ...(preview ?? { changes: [], errors: [] }), applied: false, members: ordered.map((l) => l.id) };
          }
          let reference: Awaited<ReturnType<typeof importOn>> | null = null;
          const changed = await runOnMembers(name, ordered, async (l) => {
            const undo = await undoByText(l);
            const r = await importOn(l, false);
            await l.relist();
            if (!r.applied) throw new ProtocolError("bad_request", r.errors.map((e) => (e.line === undefined ? e.message : `line ${e.line}: ${e.message}`)).join("\n"), { errors: r.errors });
            reference ??= r;
            return undo;
          });
          // the desired table follows the MASTER's, as a group-wide change does
          if (app.groups.desired(name) && ordered[0]) app.groups.setDesired(name, tableOfState(ordered[0].state), "changed", null);
          return { ...(reference ?? { changes: [], errors: [] }), applied: true, members: changed };
        }, false);
      if (body.dryRun) return run();
      const request = { group: name, members: members.map((l) => l.id), mode: body.mode, lines: body.text.split("\n").length, text: body.text.slice(0, 64 * 1024) };
      const state = () => membersRulesText(members);
      return audited(app, principal, { action: "group.rules.import", director: null, target: `${name} ${body.mode}`, request, state }, run);
    });
}
