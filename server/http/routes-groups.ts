// /api/groups: HA groups (server/groups/). Reads: the groups, one group with its desired
// table, the drift of each member. Changes: the per-director service and real-server routes
// on the whole group (the same readers and ops, table-requests.ts), audited as one entry
// naming the group and its members; "Make identical" (with its dry run, the preview) and
// "adopt this member's table" for admins.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { GroupDetailView, } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import { opService, opTarget } from "../agents/table-ops.ts";
import type { StateOf } from "../versions/at-version.ts";
import { applyGroupChange, checkGroupVersion, withGroupLocked } from "../groups/change.ts";
import { tableOfState } from "../groups/desired.ts";
import { checkMembers, groupDrift, makeIdentical } from "../groups/identical.ts";
import { directorDetailView } from "../live/views.ts";
import { membersRulesText, serviceState } from "./audit-state.ts";
import { audited } from "./audited.ts";
import { readJsonWithBase } from "../versions/request.ts";
import { type RouteHandler, type Router, reply } from "./router.ts";
import {
  type TableRequestReader,
  readDestCreate,
  readDestDelete,
  readDestUpdate,
  readServiceCreate,
  readServiceDelete,
  readServiceUpdate,
} from "./table-requests.ts";

export function groupRoutes(router: Router, app: Dashboard): void {
  const groups = app.groups;
  const stateOf: StateOf = (l) => directorDetailView(l, app.drainOf);

  /** A group-wide table change: one audit entry, every member or none. */
  const change = (read: TableRequestReader, status: number): RouteHandler =>
    async ({ req, params, principal }) => {
      const name = params.group!;
      const members = groups.require(name);
      const t = await read(req, params, true);
      const ks = opService(t.op);
      const ids = members.map((l) => l.id);
      const state = () => ({
        desiredVersion: groups.desired(name)?.version ?? null,
        members: Object.fromEntries(groups.members(name).map((l) => [l.id, serviceState(l, ks)])),
      });
      const request = { group: name, members: ids, change: t.op.type, body: t.request };
      await audited(app, principal, { action: `group.${t.op.type}`, director: null, target: `${name} ${opTarget(t.op)}`, request, state }, () =>
        applyGroupChange(groups, name, t.op, t.bases, stateOf),
      );
      const detail: GroupDetailView = groups.detail(name);
      return status === 201 ? reply(201, detail) : detail;
    };

  router
    .on("GET /api/groups", () => groups.view())
    .on("GET /api/groups/:group", ({ params }) => groups.detail(params.group!))
    .on("GET /api/groups/:group/drift", ({ params }) => groupDrift(groups, params.group!))
    .on("POST /api/groups/:group/identical", async ({ req, params, principal }) => {
      const name = params.group!;
      const members = groups.require(name);
      const { body, baseVersion } = await readJsonWithBase(req, bodySchemaOf("POST /api/groups/:group/identical"), "make-identical request");
      // refused requests are not worth an audit entry: check what can be checked first
      checkMembers(groups, name, body.members);
      checkGroupVersion(groups, name, baseVersion);
      const run = () => makeIdentical(groups, name, { members: body.members, dryRun: body.dryRun, baseVersion }, stateOf);
      // the preview changes nothing: no audit entry
      if (body.dryRun) return run();
      const touched = members.filter((l) => body.members === undefined || body.members.includes(l.id));
      const succeeded = (r: unknown) => !Object.values((r as Awaited<ReturnType<typeof run>>).members).some((m) => m.status === "failed");
      const request = { group: name, members: body.members ?? null, desiredVersion: groups.desired(name)?.version ?? null };
      return audited(app, principal, { action: "group.identical", director: null, target: name, request, state: () => membersRulesText(touched), succeeded }, run);
    })
    .on("POST /api/groups/:group/adopt", async ({ req, params, principal }) => {
      const name = params.group!;
      const members = groups.require(name);
      const { body } = await readJsonWithBase(req, bodySchemaOf("POST /api/groups/:group/adopt"), "adopt request");
      const from = members.find((l) => l.id === body.director);
      if (!from) throw new ProtocolError("bad_request", `director ${body.director} is not a member of group ${name}`);
      const state = () => groups.detail(name).desired?.text ?? null;
      await audited(app, principal, { action: "group.adopt", director: from.id, target: name, request: { group: name, director: from.id }, state }, () =>
        withGroupLocked(groups, name, {}, stateOf, async () => {
          if (!from.online) throw new ProtocolError("unavailable", `director ${from.id} is ${from.link}: its table cannot be read now`);
          await from.relist();
          groups.setDesired(name, tableOfState(from.state), "adopted", from.id);
          return { version: groups.desired(name)!.version };
        }, false),
      );
      return groups.detail(name);
    })
    .on("POST /api/groups/:group/services", change(readServiceCreate, 201))
    .on("PATCH /api/groups/:group/services/:service", change(readServiceUpdate, 200))
    .on("DELETE /api/groups/:group/services/:service", change(readServiceDelete, 200))
    .on("POST /api/groups/:group/services/:service/destinations", change(readDestCreate, 201))
    .on("PATCH /api/groups/:group/services/:service/destinations/:dest", change(readDestUpdate, 200))
    .on("DELETE /api/groups/:group/services/:service/destinations/:dest", change(readDestDelete, 200));
}
