// /api/drains: start a drain (one director or a group), list jobs, undrain, remove.
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { DirectorLink } from "../agents/link.ts";
import type { Dashboard } from "../dashboard.ts";
import { audited } from "./audited.ts";
import { atVersions, readBasesOnly, readJsonWithBase } from "../versions/request.ts";
import { type Router, reply } from "./router.ts";

export function drainRoutes(router: Router, app: Dashboard): void {
  const drains = app.drains;
  router
    .on("GET /api/drains", () => drains.view())
    .on("POST /api/drains", async ({ req, principal }) => {
      const { body: r, ...bases } = await readJsonWithBase(req, bodySchemaOf("POST /api/drains"), "drain request", { many: true });
      const target = `${r.service} ${r.destination}`;
      const links = r.director !== undefined ? [app.fleet.get(r.director)] : app.fleet.links().filter((l) => l.registration.group === r.group);
      const state = () => destinationConfigs(links, r.service, r.destination);
      const job = await audited(app, principal, { action: "drain.start", director: r.director ?? null, target, request: r, state }, () =>
        atVersions(app, links, bases, () => drains.start(r)),
      );
      return reply(201, job);
    })
    .on("GET /api/drains/:job", ({ params }) => drains.get(params.job!))
    .on("POST /api/drains/:job/undrain", async ({ req, params, principal }) => {
      const job = drains.get(params.job!);
      const bases = await readBasesOnly(req, "undrain request", true);
      const director = Object.keys(job.targets).length === 1 ? Object.keys(job.targets)[0]! : null;
      const target = `${job.service} ${job.destination}`;
      const state = () => destinationConfigs(linksOf(app, job.targets), job.service, job.destination);
      return audited(app, principal, { action: "drain.undrain", director, target, request: { job: job.id }, state }, () =>
        atVersions(app, linksOf(app, job.targets), bases, () => drains.undrain(job.id)),
      );
    })
    .on("POST /api/drains/:job/remove", async ({ req, params, principal }) => {
      const job = drains.get(params.job!);
      const bases = await readBasesOnly(req, "remove request", true);
      const director = Object.keys(job.targets).length === 1 ? Object.keys(job.targets)[0]! : null;
      const target = `${job.service} ${job.destination}`;
      const state = () => destinationConfigs(linksOf(app, job.targets), job.service, job.destination);
      return audited(app, principal, { action: "drain.remove", director, target, request: { job: job.id }, state }, () =>
        atVersions(app, linksOf(app, job.targets), bases, () => drains.remove(job.id)),
      );
    });
}

/** The real server's configuration (weight included) on each director, from the server's view of
 * the tables (kept current by the mutation itself): the audit's before and after of a drain.
 * null where the director does not have it (after a remove). */
function destinationConfigs(links: readonly DirectorLink[], service: string, destination: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of links) out[l.id] = l.state.services.get(service)?.destinations.get(destination)?.config ?? null;
  return out;
}

/** The job's directors that are still registered (a removed one fails in the manager). */
function linksOf(app: Dashboard, targets: Record<string, unknown>) {
  return Object.keys(targets).flatMap((id) => app.fleet.find(id) ?? []);
}
