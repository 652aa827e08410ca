// /api/directors: registration (the token never leaves the server) and the IPVS table of
// one director: services and their real servers.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import { randomBytes } from "node:crypto";
import {
  type DirectorCreated,
  type DirectorInfo,
  DirectorRegistration,
  directorIdOf,
  type IssuedToken,
} from "@/protocol/dashboard/index.ts";
import { normalizeFingerprint } from "@/protocol/node/agent-tls.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { Dashboard } from "../dashboard.ts";
import type { DirectorLink } from "../agents/link.ts";
import { opDestination, opService, opTarget, runOp } from "../agents/table-ops.ts";
import { directorDetailView, directorView, serviceViews } from "../live/views.ts";
import { serviceState, settingsState } from "./audit-state.ts";
import { audited } from "./audited.ts";
import { atVersion } from "../versions/request.ts";
import { readJson } from "./respond.ts";
import type { RouteKey } from "@/protocol/dashboard/routes.ts";
import type { FleetView } from "@/protocol/dashboard/views.ts";
import { type Answer, type RouteHandler, type Router, reply } from "./router.ts";
import {
  type TableRequest,
  type TableRequestReader,
  readDestCreate,
  readDestDelete,
  readDestUpdate,
  readServiceCreate,
  readServiceDelete,
  readServiceUpdate,
} from "./table-requests.ts";

function info(l: DirectorLink): DirectorInfo {
  const { token: _token, ...rest } = l.registration;
  return {
    director: directorView(l),
    settings: { id: l.id, ...rest },
    trust: { pinned: l.registration.fingerprint256 ?? null, presented: l.presentedFingerprint256 },
  };
}

/** 256 bits, URL-safe: fits a token file and a shell argument without quoting. */
function issueToken(): IssuedToken {
  const token = randomBytes(32).toString("base64url");
  const installCommand =
    `install -m 600 /dev/null /etc/lvs-agent/token && printf '%s\\n' '${token}' > /etc/lvs-agent/token`;
  return { token, installCommand };
}

const withoutToken = (r: Record<string, unknown>) => ({ ...r, ...(r.token === undefined ? {} : { token: "(redacted)" }) });

export { destKeyParam, serviceKeyParam } from "./table-requests.ts";

function serviceView(app: Dashboard, l: DirectorLink, key: string) {
  const v = serviceViews(l, app.drainOf)[key];
  if (!v) throw new ProtocolError("not_found", `director ${l.id} has no service ${key}`);
  return v;
}

export function directorRoutes(router: Router, app: Dashboard): void {
  const fleet = app.fleet;
  router
    .on("GET /api/directors", () => app.topicView("fleet") as FleetView)
    .on("POST /api/directors", async ({ req, principal }) => {
      const body = await readJson(req, bodySchemaOf("POST /api/directors"), "director registration");
      // no token given: a strong one is generated and returned once, outside the audited result
      const issued = body.token === undefined ? issueToken() : undefined;
      const reg = DirectorRegistration.parse({ ...body, token: body.token ?? issued!.token });
      const id = directorIdOf(reg.name);
      const state = () => settingsState(fleet.links().find((l) => l.id === id));
      const created = await audited(
        app,
        principal,
        { action: "director.create", director: id, target: reg.name, request: withoutToken(body), state },
        async () => info(fleet.register(reg)),
      );
      return reply(201, { ...created, ...(issued ? { issued } : {}) } satisfies DirectorCreated);
    })
    .on("POST /api/directors/:id/trust", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const { fingerprint256 } = await readJson(req, bodySchemaOf("POST /api/directors/:id/trust"), "certificate acceptance");
      const fp = normalizeFingerprint(fingerprint256);
      if (!fp) throw new ProtocolError("bad_request", "fingerprint256 must be a SHA-256 fingerprint (AB:CD:... 32 bytes)");
      const presented = l.presentedFingerprint256;
      if (!presented || normalizeFingerprint(presented) !== fp) {
        throw new ProtocolError("conflict", `director ${l.id} does not present the certificate ${fp}${presented ? ` (it presents ${presented})` : ""}`, {
          presented,
        });
      }
      const state = () => settingsState(fleet.get(l.id));
      return audited(app, principal, { action: "director.trust", director: l.id, target: fp, request: { fingerprint256: fp }, state }, async () =>
        info(fleet.update(l.id, { fingerprint256: fp })),
      );
    })
    .on("POST /api/directors/:id/token", async ({ params, principal }) => {
      const l = fleet.get(params.id!);
      const issued = issueToken();
      await audited(app, principal, { action: "director.token", director: l.id, target: l.id, request: null, state: () => null }, async () => {
        fleet.rotateToken(l.id, issued.token);
        return { rotated: true };
      });
      return issued;
    })
    .on("GET /api/directors/:id", ({ params }) => info(fleet.get(params.id!)))
    .on("PATCH /api/directors/:id", async ({ req, params, principal }) => {
      const id = params.id!;
      fleet.get(id);
      const patch = await readJson(req, bodySchemaOf("PATCH /api/directors/:id"), "director patch");
      const { fingerprint256, ...rest } = patch;
      const state = () => settingsState(fleet.get(id));
      return audited(app, principal, { action: "director.update", director: id, target: id, request: withoutToken(patch), state }, async () =>
        info(fleet.update(id, { ...rest, ...(fingerprint256 === undefined ? {} : { fingerprint256: fingerprint256 ?? undefined }) })),
      );
    })
    .on("DELETE /api/directors/:id", async ({ params, principal }) => {
      const id = params.id!;
      fleet.get(id);
      const state = () => settingsState(fleet.links().find((l) => l.id === id));
      await audited(app, principal, { action: "director.delete", director: id, target: id, request: null, state }, async () => fleet.remove(id));
      return { ok: true };
    })
    .on("GET /api/directors/:id/services", ({ params }) => directorDetailView(fleet.get(params.id!), app.drainOf))
    .on("POST /api/directors/:id/services", tableRoute(app, readServiceCreate, (l, t) => reply(201, serviceView(app, l, opService(t.op)))))
    .on("PATCH /api/directors/:id/services/:service", tableRoute(app, readServiceUpdate, (l, t) => serviceView(app, l, opService(t.op))))
    .on("DELETE /api/directors/:id/services/:service", tableRoute(app, readServiceDelete, () => ({ ok: true })))
    .on("POST /api/directors/:id/services/:service/destinations",
      tableRoute(app, readDestCreate, (l, t) => reply(201, destView(app, l, opService(t.op), opDestination(t.op)!))),
    )
    .on("PATCH /api/directors/:id/services/:service/destinations/:dest",
      tableRoute(app, readDestUpdate, (l, t) => destView(app, l, opService(t.op), opDestination(t.op)!)),
    )
    .on("DELETE /api/directors/:id/services/:service/destinations/:dest", tableRoute(app, readDestDelete, () => ({ ok: true })));
}

/** A table mutation of one director: read, audited (the service's state before and after),
 * run at its base version, answered with `answer` (the new state). The group routes run the
 * same readers and ops on every member (routes-groups.ts). */
function tableRoute<K extends RouteKey>(app: Dashboard, read: TableRequestReader, answer: (l: DirectorLink, t: TableRequest) => Answer<K>): RouteHandler<K> {
  return async ({ req, params, principal }) => {
    const l = app.fleet.get(params.id!);
    const t = await read(req, params);
    const ks = opService(t.op);
    const state = () => serviceState(l, ks);
    await audited(app, principal, { action: t.op.type, director: l.id, target: opTarget(t.op), request: t.request, state }, () =>
      atVersion(app, l, t.bases.baseVersion, () => runOp(l, t.op)),
    );
    return answer(l, t);
  };
}

function destView(app: Dashboard, l: DirectorLink, ks: string, dk: string) {
  const v = serviceView(app, l, ks).destinations[dk];
  if (!v) throw new ProtocolError("not_found", `service ${ks} on ${l.id} has no real server ${dk}`);
  return v;
}
