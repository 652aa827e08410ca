// /api/directors/:id/history: SQLite's stored history, or Prometheus's for ranges beyond it
// when the server runs with --prometheus (server/history/source.ts decides and validates).
import { destinationKeyString, HistoryRange, type HistorySourceView, parseDestinationKeyString, parseServiceKeyString, serviceKeyString } from "@/protocol/dashboard/index.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { ServiceKey } from "@/protocol/ipvs.ts";
import { canonicalAddress } from "@/protocol/ipvsadm/addr.ts";
import { rsLabel } from "@/protocol/metrics-labels.ts";
import type { Dashboard } from "../dashboard.ts";
import type { HistorySource } from "../history/source.ts";
import { validate } from "./respond.ts";
import type { Router } from "./router.ts";

/** A real server Prometheus knows and the dashboard no longer lists: its key in glibc's spelling. */
function keyOfRs(rs: string): string {
  const k = parseDestinationKeyString(rs);
  return k ? destinationKeyString({ address: canonicalAddress(k.address), port: k.port }) : rs;
}

export function historyRoutes(router: Router, app: Dashboard, source: HistorySource): void {
  router
    .on("GET /api/history/source", (): HistorySourceView => ({ prometheusUrl: source.prometheusUrl }))
    .on("GET /api/directors/:id/history", ({ params, query }) => {
      const l = app.fleet.get(params.id!);
      const range = validate(HistoryRange, query.get("range") ?? "15m", "range");
      const raw = query.get("service") ?? "";
      let service = "";
      let key: ServiceKey | null = null;
      if (raw !== "") {
        key = parseServiceKeyString(raw);
        if (!key) throw new ProtocolError("bad_request", `"${raw}" is not a service key`);
        service = serviceKeyString(key);
      }
      // Prometheus names real servers by rs (Go's address spelling): back to the dashboard's keys
      const known = new Map<string, string>();
      for (const [dk, d] of l.state.services.get(service)?.destinations ?? []) known.set(rsLabel(d.key.address, d.key.port), dk);
      const destinationOf = (rs: string) => known.get(rs) ?? keyOfRs(rs);
      return source.query({ directorId: l.id, service: key, serviceString: service, range, destinationOf });
    });
}
