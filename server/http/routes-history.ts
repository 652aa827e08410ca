// /api/directors/:id/history and /api/audit.
import { HistoryRange, parseServiceKeyString, serviceKeyString } from "../../protocol/dashboard.ts";
import { ProtocolError } from "../../protocol/errors.ts";
import type { Dashboard } from "../app.ts";
import { validate } from "./respond.ts";
import type { Router } from "./router.ts";

function intParam(q: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ProtocolError("bad_request", `${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}

export function historyRoutes(router: Router, app: Dashboard): void {
  router
    .on("GET", "/api/directors/:id/history", ({ params, query }) => {
      const l = app.fleet.get(params.id!);
      const range = validate(HistoryRange, query.get("range") ?? "15m", "range");
      const raw = query.get("service") ?? "";
      let service = "";
      if (raw !== "") {
        const key = parseServiceKeyString(raw);
        if (!key) throw new ProtocolError("bad_request", `"${raw}" is not a service key`);
        service = serviceKeyString(key);
      }
      return app.history.query(l.id, service, range);
    })
    .on("GET", "/api/audit", ({ query }) => {
      const director = query.get("director") || undefined;
      const action = query.get("action") || undefined;
      const limit = intParam(query, "limit", 1, 1000);
      const before = intParam(query, "before", 1, Number.MAX_SAFE_INTEGER);
      return app.audit.query({
        ...(director ? { director } : {}),
        ...(action ? { action } : {}),
        ...(limit === undefined ? {} : { limit }),
        ...(before === undefined ? {} : { before }),
      });
    });
}
