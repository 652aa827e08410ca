// The ipvsadm verbs lvsctl --server needs beyond the table routes (routes-directors.ts,
// routes-groups.ts, routes-rules.ts): the agent's reads passed through as they are (so lvsctl
// prints exactly what it prints through the agent), with the table version they show, and the
// table-wide verbs: -C (flush), -Z (zero), --set (timeouts.set), --start-daemon and
// --stop-daemon, each audited, at the base version given (409 if stale). On a group those
// run on every member, the MASTER first; a refusal undoes them on the members already changed
// (timeouts, daemons, and a flush by putting the member's table back; counters zeroed cannot be
// restored). A group's flush empties its desired table too.
import { type DirectorDetailView, serviceKeyString } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { CATALOG, type RequestInput, type RequestType } from "@/protocol/agent/catalog.ts";
import { expandServiceRows } from "@/protocol/agent/compact.ts";
import type { Dashboard } from "../dashboard.ts";
import { DirectorState } from "../agents/director-state.ts";
import type { DirectorLink } from "../agents/link.ts";
import { withGroupLocked } from "../groups/change.ts";
import { tableOfState } from "../groups/desired.ts";
import { type Undo, runOnMembers, undoByText } from "../groups/run-members.ts";
import { directorDetailView } from "../live/views.ts";
import { membersRulesText, rulesText } from "./audit-state.ts";
import { audited } from "./audited.ts";
import { atVersion, readJsonWithBase } from "../versions/request.ts";
import { validate } from "./respond.ts";
import type { Router } from "./router.ts";

/** The agent's read requests lvsctl sends (cli/run-command.ts), by request type. */
const READS = new Set<RequestType>(["ipvs.info", "service.list", "service.list.compact", "service.get", "timeouts.get", "daemon.list", "conns.read"]);
/** The table-wide mutations without a route of their own. */
const WRITES = ["flush", "zero", "timeouts.set", "daemon.start", "daemon.stop"] as const;
type Write = (typeof WRITES)[number];

const LONG_MS = 300_000;

function readType(s: string): RequestType {
  if (!READS.has(s as RequestType)) throw new ProtocolError("bad_request", `"${s}" is not a read lvsctl makes; one of ${[...READS].join(", ")}`);
  return s as RequestType;
}

function writeType(s: string): Write {
  if (!(WRITES as readonly string[]).includes(s)) {
    throw new ProtocolError("bad_request", `"${s}" is not a table-wide verb; one of ${WRITES.join(", ")} (service and real-server changes have their own routes)`);
  }
  return s as Write;
}

function parsePayload(type: RequestType, raw: string | null): unknown {
  let value: unknown = {};
  if (raw !== null && raw !== "") {
    if (raw.length > 64 * 1024) throw new ProtocolError("too_large", "payload is longer than 64 KiB");
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ProtocolError("bad_request", "payload is not valid JSON");
    }
  }
  return validate(CATALOG[type].input, value, `${type} payload`);
}

/** The version of the table a list shows: the digest the link computes (versions/digest.ts). */
function versionOfList(type: RequestType, data: unknown): string | null {
  if (type !== "service.list" && type !== "service.list.compact") return null;
  const list = type === "service.list" ? (data as Parameters<DirectorState["applyList"]>[0]) : expandServiceRows((data as { services: Parameters<typeof expandServiceRows>[0] }).services);
  const s = new DirectorState();
  s.applyList(list);
  return s.version;
}

/** What a write changes, for the audit's before and after. */
function stateFor(l: DirectorLink, type: Write): (() => Promise<unknown>) | undefined {
  if (type === "flush") return () => rulesText(l);
  if (type === "timeouts.set") return () => l.request("timeouts.get", {});
  if (type === "daemon.start" || type === "daemon.stop") return () => l.request("daemon.list", {});
  return undefined;
}

function target(l: DirectorLink | null, type: Write, payload: Record<string, unknown>): string {
  if (type === "zero" && payload.key) return serviceKeyString(payload.key as never);
  if (type === "daemon.start" || type === "daemon.stop") return `${payload.state}`;
  return l?.id ?? type;
}

async function run(l: DirectorLink, type: Write, payload: unknown): Promise<void> {
  await l.request(type, payload as RequestInput<Write>, { deadlineMs: LONG_MS });
  // flush is not among the link's re-listed mutations (link.ts): re-list so the version moves now
  if (type === "flush") await l.relist();
}

/** The step that undoes `type` on a member, read before it ran; null when nothing can. */
async function undoOf(l: DirectorLink, type: Write, payload: Record<string, unknown>): Promise<Undo> {
  if (type === "flush") return undoByText(l);
  if (type === "timeouts.set") {
    const before = await l.request("timeouts.get", {});
    return () => l.request("timeouts.set", before);
  }
  if (type === "daemon.start") return () => l.request("daemon.stop", { state: payload.state as "master" | "backup", ...(payload.syncId === undefined ? {} : { syncId: payload.syncId as number }) });
  if (type === "daemon.stop") {
    const was = (await l.request("daemon.list", {})).filter((d) => d.state === payload.state);
    return was.length === 0 ? null : async () => { for (const d of was) await l.request("daemon.start", d); };
  }
  return null;
}

export function ipvsadmRoutes(router: Router, app: Dashboard): void {
  const stateOf = (l: DirectorLink): DirectorDetailView => directorDetailView(l, app.drainOf);
  router
    .on("GET /api/directors/:id/ipvsadm/:request", async ({ params, query }) => {
      const l = app.fleet.get(params.id!);
      const type = readType(params.request!);
      const payload = parsePayload(type, query.get("payload"));
      const data = await l.request(type, payload as RequestInput<typeof type>, { deadlineMs: LONG_MS });
      return { director: l.id, version: versionOfList(type, data) ?? l.state.version, data };
    })
    .on("POST /api/directors/:id/ipvsadm/:request", async ({ req, params, principal }) => {
      const l = app.fleet.get(params.id!);
      const type = writeType(params.request!);
      const { body, baseVersion } = await readJsonWithBase(req, CATALOG[type].input, `${type} payload`);
      const payload = body as Record<string, unknown>;
      const state = stateFor(l, type);
      await audited(app, principal, { action: type, director: l.id, target: target(l, type, payload), request: payload, ...(state ? { state } : {}) }, () =>
        atVersion(app, l, baseVersion, () => run(l, type, payload)),
      );
      return { ok: true, director: l.id, version: l.state.version };
    })
    .on("POST /api/groups/:group/ipvsadm/:request", async ({ req, params, principal }) => {
      const name = params.group!;
      const members = app.groups.require(name);
      const type = writeType(params.request!);
      const { body, baseVersion, baseVersions } = await readJsonWithBase(req, CATALOG[type].input, `${type} payload`, { many: true });
      const payload = body as Record<string, unknown>;
      const ids = members.map((l) => l.id);
      const request = { group: name, members: ids, change: type, body: payload };
      // a group flush keeps every member's table before and after, as a single director's does
      const state = type === "flush" ? { state: () => membersRulesText(members) } : {};
      await audited(app, principal, { action: `group.${type}`, director: null, target: `${name} ${target(null, type, payload)}`, request, ...state }, () =>
        withGroupLocked(app.groups, name, { ...(baseVersion === undefined ? {} : { baseVersion }), ...(baseVersions ? { baseVersions } : {}) }, stateOf, async (ordered) => {
          const changed = await runOnMembers(name, ordered, async (l) => {
            const undo = await undoOf(l, type, payload);
            await run(l, type, payload);
            return undo;
          });
          // an emptied pair wants to stay empty: the desired table follows the MASTER's
          if (type === "flush" && app.groups.desired(name)) app.groups.setDesired(name, tableOfState(ordered[0]!.state), "changed", null);
          return changed;
        }, false),
      );
      return { ok: true, group: name, members: ids };
    });
}
