// /api/directors/:id/history.
import { HistoryRange, parseServiceKeyString, serviceKeyString } from "../../protocol/dashboard.ts";
import { ProtocolError } from "../../protocol/errors.ts";
import type { Dashboard } from "../app.ts";
import { validate } from "./respond.ts";
import type { Router } from "./router.ts";

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
    });
}
