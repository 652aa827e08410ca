// lvsctl's requests (cli/run-command.ts's AgentLike) carried out through the dashboard, so the
// same code prints ipvsadm's output in both modes:
// - DirectorViaServer: one director. Reads go to GET /api/directors/:id/ipvsadm/:request (the
//   agent's answer as it is, with the table version); changes go to the dashboard's own routes
//   (services, real servers, rules import) or /ipvsadm/:request for the table-wide verbs.
// - GroupViaServer: an HA group. Reads (what -E/-e merge with) come from the member holding
//   VRRP MASTER; changes (-R and -C too) go to the group routes, which apply them to every
//   member or none.
// Versions: a change carries --if-version when given, otherwise the version of the table
// this command read (the read-modify-write of -E/-e), so a concurrent edit is a 409.
import { destinationKeyString, serviceKeyString } from "@/protocol/dashboard/index.ts";
import type { DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { RequestInput, RequestType, ResultData } from "@/protocol/agent/catalog.ts";
import { type RouteKey, routePath, splitRouteKey } from "@/protocol/dashboard/routes.ts";
import type { AgentLike } from "./run-command.ts";
import { CommandFailed } from "./run-command.ts";
import type { ServerClient } from "./server-client.ts";

const READS = new Set<RequestType>(["ipvs.info", "service.list", "service.list.compact", "service.get", "timeouts.get", "daemon.list", "conns.read"]);
const TABLE_WIDE = new Set<RequestType>(["flush", "zero", "timeouts.set", "daemon.start", "daemon.stop"]);

type Payload = Record<string, unknown>;

/** Where lvsctl's table changes go: a director's routes, or an HA group's (the REST contract,
 * protocol/dashboard/routes.ts). */
const CHANGES = {
  "service.create": { director: "POST /api/directors/:id/services", group: "POST /api/groups/:group/services" },
  "service.update": { director: "PATCH /api/directors/:id/services/:service", group: "PATCH /api/groups/:group/services/:service" },
  "service.delete": { director: "DELETE /api/directors/:id/services/:service", group: "DELETE /api/groups/:group/services/:service" },
  "dest.create": { director: "POST /api/directors/:id/services/:service/destinations", group: "POST /api/groups/:group/services/:service/destinations" },
  "dest.update": {
    director: "PATCH /api/directors/:id/services/:service/destinations/:dest",
    group: "PATCH /api/groups/:group/services/:service/destinations/:dest",
  },
  "dest.delete": {
    director: "DELETE /api/directors/:id/services/:service/destinations/:dest",
    group: "DELETE /api/groups/:group/services/:service/destinations/:dest",
  },
} as const satisfies Partial<Record<RequestType, { director: RouteKey; group: RouteKey }>>;
const TABLE_WIDE_ROUTES = { director: "POST /api/directors/:id/ipvsadm/:request", group: "POST /api/groups/:group/ipvsadm/:request" } as const;

type Scope = { director: string } | { group: string };

/** The method and path of a change for one director or a group, and its body. */
function changeRoute(type: RequestType, p: Payload, scope: Scope): { method: string; path: string; body: Payload } | null {
  const on = "director" in scope ? "director" : "group";
  const base: Record<string, string> = "director" in scope ? { id: scope.director } : { group: scope.group };
  const at = (key: RouteKey, params: Record<string, string>, body: Payload) => ({ method: splitRouteKey(key).method, path: routePath(key, { ...base, ...params }), body });
  const svc = (k: unknown) => serviceKeyString(k as ServiceKey);
  const dest = (k: unknown) => destinationKeyString(k as DestinationKey);
  switch (type) {
    case "service.create":
      return at(CHANGES[type][on], {}, p);
    case "service.update":
      return at(CHANGES[type][on], { service: svc(p.key) }, p.config as Payload);
    case "service.delete":
      return at(CHANGES[type][on], { service: svc(p.key) }, {});
    case "dest.create":
      return at(CHANGES[type][on], { service: svc(p.service) }, p.destination as Payload);
    case "dest.update":
      return at(CHANGES[type][on], { service: svc(p.service), dest: dest(p.key) }, p.config as Payload);
    case "dest.delete":
      return at(CHANGES[type][on], { service: svc(p.service), dest: dest(p.key) }, {});
    default:
      return TABLE_WIDE.has(type) ? at(TABLE_WIDE_ROUTES[on], { request: type }, p) : null;
  }
}

const withBase = (body: Payload, base: string | null): Payload => (base === null ? body : { ...body, baseVersion: base });

export class DirectorViaServer implements AgentLike {
  /** the version of the table the first read of this command showed */
  version: string | null = null;

  constructor(
    readonly server: ServerClient,
    readonly director: string,
    readonly ifVersion: string | null = null,
  ) {}

  async request<T extends RequestType>(type: T, payload: RequestInput<T>): Promise<ResultData<T>> {
    const p = payload as Payload;
    if (READS.has(type)) {
      const q = Object.keys(p).length === 0 ? "" : `?payload=${encodeURIComponent(JSON.stringify(p))}`;
      const r = await this.server.get<{ version: string; data: ResultData<T> }>(`${routePath("GET /api/directors/:id/ipvsadm/:request", { id: this.director, request: type })}${q}`);
      this.version ??= r.version;
      return r.data;
    }
    const base = this.ifVersion ?? this.version;
    if (type === "rules.import") {
      const src = p.source as { text: string };
      const body = withBase({ text: src.text, mode: p.mode ?? "merge", dryRun: p.dryRun ?? false }, base);
      return this.server.call("POST", routePath("POST /api/directors/:id/rules/import", { id: this.director }), body);
    }
    const route = changeRoute(type, p, { director: this.director });
    if (!route) throw new CommandFailed(`lvsctl --server does not send ${type}`, 2);
    await this.server.call(route.method, route.path, withBase(route.body, base));
    return { ok: true } as ResultData<T>;
  }
}

interface GroupDetail {
  group: { name: string; members: Record<string, { director: string; vrrp: string | null; online: boolean }>; master: string | null };
  desired: { version: string } | null;
}

export class GroupViaServer implements AgentLike {
  #detail: GroupDetail | null = null;
  #read = false;

  constructor(
    readonly server: ServerClient,
    readonly group: string,
    readonly ifVersion: string | null = null,
  ) {}

  /** The group's members, MASTER first (as the group changes run). */
  async members(): Promise<string[]> {
    const d = await this.#load();
    const ids = Object.keys(d.group.members).sort();
    const m = d.group.master;
    return m && ids.includes(m) ? [m, ...ids.filter((x) => x !== m)] : ids;
  }

  async #load(): Promise<GroupDetail> {
    this.#detail ??= await this.server.get<GroupDetail>(routePath("GET /api/groups/:group", { group: this.group }));
    return this.#detail;
  }

  async request<T extends RequestType>(type: T, payload: RequestInput<T>): Promise<ResultData<T>> {
    const p = payload as Payload;
    if (READS.has(type)) {
      const [first] = await this.members();
      if (!first) throw new CommandFailed(`group ${this.group} has no members`, 255);
      this.#read = true;
      return new DirectorViaServer(this.server, first).request(type, payload);
    }
    // the desired table's version, read with the member's table this change was merged with
    const base = this.ifVersion ?? (this.#read ? ((await this.#load()).desired?.version ?? null) : null);
    if (type === "rules.import") {
      // every member or none: a member's refusal puts the others back (server/groups/run-members.ts)
      const src = p.source as { text: string };
      const body = withBase({ text: src.text, mode: p.mode ?? "merge", dryRun: p.dryRun ?? false }, base);
      return this.server.call("POST", routePath("POST /api/groups/:group/rules/import", { group: this.group }), body);
    }
    const route = changeRoute(type, p, { group: this.group });
    if (!route) throw new CommandFailed(`lvsctl --server does not send ${type}`, 2);
    await this.server.call(route.method, route.path, withBase(route.body, base));
    return { ok: true } as ResultData<T>;
  }
}
