// /api/directors: registration (the token never leaves the server) and the IPVS table of
// one director: services and their real servers.
import { randomBytes } from "node:crypto";
import {
  DirectorCreate,
  type DirectorCreated,
  type DirectorInfo,
  DirectorPatch,
  DirectorRegistration,
  directorIdOf,
  destinationKeyString,
  parseDestinationKeyString,
  parseServiceKeyString,
  serviceKeyString,
  type IssuedToken,
  TrustAccept,
} from "../../protocol/dashboard.ts";
import { normalizeFingerprint } from "../../protocol/agent-tls.ts";
import { ProtocolError } from "../../protocol/errors.ts";
import { Destination, type DestinationKey, Service, type ServiceKey } from "../../protocol/ipvs.ts";
import { DestinationConfigPatch, ServiceConfigPatch } from "../../protocol/messages-ipvs.ts";
import type { Dashboard } from "../app.ts";
import type { DirectorLink } from "../agents/link.ts";
import { directorDetailView, directorView, serviceViews } from "../live/views.ts";
import { serviceState, settingsState } from "./audit-state.ts";
import { audited } from "./audited.ts";
import { atVersion, readBasesOnly, readJsonWithBase } from "./base-version.ts";
import { readJson } from "./respond.ts";
import { type Router, reply } from "./router.ts";

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

export function serviceKeyParam(s: string): ServiceKey {
  const k = parseServiceKeyString(s);
  if (!k) throw new ProtocolError("bad_request", `"${s}" is not a service key (e.g. tcp:10.0.0.1:80, udp:[2001:db8::1]:53, fwmark:ipv4:1)`);
  return k;
}

export function destKeyParam(s: string): DestinationKey {
  const k = parseDestinationKeyString(s);
  if (!k) throw new ProtocolError("bad_request", `"${s}" is not a real server key (e.g. 10.0.0.11:80, [2001:db8::11]:80)`);
  return k;
}

function serviceView(app: Dashboard, l: DirectorLink, key: string) {
  const v = serviceViews(l, app.drainOf)[key];
  if (!v) throw new ProtocolError("not_found", `director ${l.id} has no service ${key}`);
  return v;
}

export function directorRoutes(router: Router, app: Dashboard): void {
  const fleet = app.fleet;
  router
    .on("GET", "/api/directors", () => app.topicView("fleet"))
    .on("POST", "/api/directors", async ({ req, principal }) => {
      const body = await readJson(req, DirectorCreate, "director registration");
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
    .on("POST", "/api/directors/:id/trust", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const { fingerprint256 } = await readJson(req, TrustAccept, "certificate acceptance");
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
    .on("POST", "/api/directors/:id/token", async ({ params, principal }) => {
      const l = fleet.get(params.id!);
      const issued = issueToken();
      await audited(app, principal, { action: "director.token", director: l.id, target: l.id, request: null, state: () => null }, async () => {
        fleet.rotateToken(l.id, issued.token);
        return { rotated: true };
      });
      return issued;
    })
    .on("GET", "/api/directors/:id", ({ params }) => info(fleet.get(params.id!)))
    .on("PATCH", "/api/directors/:id", async ({ req, params, principal }) => {
      const id = params.id!;
      fleet.get(id);
      const patch = await readJson(req, DirectorPatch, "director patch");
      const { fingerprint256, ...rest } = patch;
      const state = () => settingsState(fleet.get(id));
      return audited(app, principal, { action: "director.update", director: id, target: id, request: withoutToken(patch), state }, async () =>
        info(fleet.update(id, { ...rest, ...(fingerprint256 === undefined ? {} : { fingerprint256: fingerprint256 ?? undefined }) })),
      );
    })
    .on("DELETE", "/api/directors/:id", async ({ params, principal }) => {
      const id = params.id!;
      fleet.get(id);
      const state = () => settingsState(fleet.links().find((l) => l.id === id));
      await audited(app, principal, { action: "director.delete", director: id, target: id, request: null, state }, async () => fleet.remove(id));
      return { ok: true };
    })
    .on("GET", "/api/directors/:id/services", ({ params }) => directorDetailView(fleet.get(params.id!), app.drainOf))
    .on("POST", "/api/directors/:id/services", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const { body: svc, baseVersion } = await readJsonWithBase(req, Service, "service");
      const key = serviceKeyString(svc.key);
      const state = () => serviceState(l, key);
      await audited(app, principal, { action: "service.create", director: l.id, target: key, request: svc, state }, () =>
        atVersion(app, l, baseVersion, () => l.request("service.create", svc)),
      );
      return reply(201, serviceView(app, l, key));
    })
    .on("PATCH", "/api/directors/:id/services/:service", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const key = serviceKeyParam(params.service!);
      const { body: config, baseVersion } = await readJsonWithBase(req, ServiceConfigPatch.strict(), "service patch");
      const ks = serviceKeyString(key);
      const state = () => serviceState(l, ks);
      await audited(app, principal, { action: "service.update", director: l.id, target: ks, request: config, state }, () =>
        atVersion(app, l, baseVersion, () => l.request("service.update", { key, config })),
      );
      return serviceView(app, l, ks);
    })
    .on("DELETE", "/api/directors/:id/services/:service", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const key = serviceKeyParam(params.service!);
      const { baseVersion } = await readBasesOnly(req, "service delete");
      const ks = serviceKeyString(key);
      const state = () => serviceState(l, ks);
      await audited(app, principal, { action: "service.delete", director: l.id, target: ks, request: null, state }, () =>
        atVersion(app, l, baseVersion, () => l.request("service.delete", { key })),
      );
      return { ok: true };
    })
    .on("POST", "/api/directors/:id/services/:service/destinations", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const service = serviceKeyParam(params.service!);
      const { body: destination, baseVersion } = await readJsonWithBase(req, Destination, "real server");
      const ks = serviceKeyString(service);
      const dk = destinationKeyString(destination.key);
      const state = () => serviceState(l, ks);
      await audited(app, principal, { action: "dest.create", director: l.id, target: `${ks} ${dk}`, request: destination, state }, () =>
        atVersion(app, l, baseVersion, () => l.request("dest.create", { service, destination })),
      );
      return reply(201, destView(app, l, ks, dk));
    })
    .on("PATCH", "/api/directors/:id/services/:service/destinations/:dest", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const service = serviceKeyParam(params.service!);
      const key = destKeyParam(params.dest!);
      const { body: config, baseVersion } = await readJsonWithBase(req, DestinationConfigPatch.strict(), "real server patch");
      const ks = serviceKeyString(service);
      const dk = destinationKeyString(key);
      const state = () => serviceState(l, ks);
      await audited(app, principal, { action: "dest.update", director: l.id, target: `${ks} ${dk}`, request: config, state }, () =>
        atVersion(app, l, baseVersion, () => l.request("dest.update", { service, key, config })),
      );
      return destView(app, l, ks, dk);
    })
    .on("DELETE", "/api/directors/:id/services/:service/destinations/:dest", async ({ req, params, principal }) => {
      const l = fleet.get(params.id!);
      const service = serviceKeyParam(params.service!);
      const key = destKeyParam(params.dest!);
      const ks = serviceKeyString(service);
      const target = `${ks} ${destinationKeyString(key)}`;
      const { baseVersion } = await readBasesOnly(req, "real server delete");
      const state = () => serviceState(l, ks);
      await audited(app, principal, { action: "dest.delete", director: l.id, target, request: null, state }, () =>
        atVersion(app, l, baseVersion, () => l.request("dest.delete", { service, key })),
      );
      return { ok: true };
    });
}

function destView(app: Dashboard, l: DirectorLink, ks: string, dk: string) {
  const v = serviceView(app, l, ks).destinations[dk];
  if (!v) throw new ProtocolError("not_found", `service ${ks} on ${l.id} has no real server ${dk}`);
  return v;
}
