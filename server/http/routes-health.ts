// /api/directors/:id/health: health checks (server/health/). Reads: each real server's state,
// last result and transitions; the agent's configuration. Changes (operators, audited with
// the service's health configuration before and after): a service's defaults and pool
// settings, a real server's checks, and removing either. Bodies are parsed with the agent's
// schemas (protocol/health.ts through protocol/dashboard/health.ts), the whole new configuration again.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import { parseDestinationKeyString, parseServiceKeyString } from "@/protocol/dashboard/keys.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { DestinationKey, ServiceKey } from "@/protocol/ipvs.ts";
import type { Dashboard } from "../dashboard.ts";
import { realServerOf, removeRealServer, removeService, serviceOf, setRealServer, setServiceSettings } from "../health/config-edit.ts";
import { audited } from "./audited.ts";
import { readJson } from "./respond.ts";
import type { Router } from "./router.ts";

function serviceParam(s: string): ServiceKey {
  const k = parseServiceKeyString(s);
  if (!k) throw new ProtocolError("bad_request", `"${s}" is not a service key (e.g. tcp:10.0.0.1:80, fwmark:ipv4:1)`);
  return k;
}

function destParam(s: string): DestinationKey {
  const k = parseDestinationKeyString(s);
  if (!k) throw new ProtocolError("bad_request", `"${s}" is not a real server key (address:port)`);
  return k;
}

export function healthRoutes(router: Router, app: Dashboard): void {
  const health = app.health;
  /** the service's health configuration on the agent (the audit's before and after) */
  const stateOf = (id: string, service: string) => async () => serviceOf(await health.config(id), service) ?? null;

  router
    .on("GET /api/directors/:id/health", ({ params }) => health.view(params.id!))
    .on("GET /api/directors/:id/health/config", ({ params }) => health.config(params.id!))
    .on("PUT /api/directors/:id/health/services/:service", async ({ req, params, principal }) => {
      const id = params.id!;
      const l = app.fleet.get(id);
      const sk = params.service!;
      const key = serviceParam(sk);
      const settings = await readJson(req, bodySchemaOf("PUT /api/directors/:id/health/services/:service"), "service health settings");
      return audited(app, principal, { action: "health.configure", director: id, target: sk, request: { service: sk, settings }, state: stateOf(id, sk) }, () =>
        health.edit(id, (config) => {
          if (!l.state.services.has(sk) && !serviceOf(config, sk)) throw new ProtocolError("not_found", `director ${id} has no service ${sk}`);
          return setServiceSettings(config, key, settings);
        }),
      );
    })
    .on("DELETE /api/directors/:id/health/services/:service", async ({ params, principal }) => {
      const id = params.id!;
      app.fleet.get(id);
      const sk = params.service!;
      const key = serviceParam(sk);
      return audited(app, principal, { action: "health.configure", director: id, target: sk, request: { service: sk, remove: true }, state: stateOf(id, sk) }, () =>
        health.edit(id, (config) => removeService(config, key)),
      );
    })
    .on("PUT /api/directors/:id/health/services/:service/destinations/:dest", async ({ req, params, principal }) => {
      const id = params.id!;
      const l = app.fleet.get(id);
      const sk = params.service!;
      const dk = params.dest!;
      const key = serviceParam(sk);
      const dest = destParam(dk);
      const settings = await readJson(req, bodySchemaOf("PUT /api/directors/:id/health/services/:service/destinations/:dest"), "real server health settings");
      const request = { service: sk, realServer: dk, settings };
      return audited(app, principal, { action: "health.configure", director: id, target: `${sk} ${dk}`, request, state: stateOf(id, sk) }, () =>
        health.edit(id, (config) => {
          // the weight health restores: the one it already keeps (the operator's latest intent,
          // even while the server is held out at weight 0), else the table's
          const destConfig = realServerOf(config, sk, dk)?.config ?? l.state.services.get(sk)?.destinations.get(dk)?.config;
          if (!destConfig) throw new ProtocolError("not_found", `service ${sk} of director ${id} has no real server ${dk}`);
          return setRealServer(config, key, dest, destConfig, settings);
        }),
      );
    })
    .on("DELETE /api/directors/:id/health/services/:service/destinations/:dest", async ({ params, principal }) => {
      const id = params.id!;
      app.fleet.get(id);
      const sk = params.service!;
      const dk = params.dest!;
      const key = serviceParam(sk);
      const dest = destParam(dk);
      return audited(app, principal, { action: "health.configure", director: id, target: `${sk} ${dk}`, request: { service: sk, realServer: dk, remove: true }, state: stateOf(id, sk) }, () =>
        health.edit(id, (config) => removeRealServer(config, key, dest)),
      );
    });
}
