// /api/drains: start a drain (one director or a group), list jobs, undrain, remove.
import { DrainRequest } from "../../protocol/dashboard.ts";
import type { Dashboard } from "../app.ts";
import { audited } from "./audited.ts";
import { readJson } from "./respond.ts";
import { type Router, reply } from "./router.ts";

export function drainRoutes(router: Router, app: Dashboard): void {
  const drains = app.drains;
  router
    .on("GET", "/api/drains", () => drains.view())
    .on("POST", "/api/drains", async ({ req }) => {
      const r = await readJson(req, DrainRequest, "drain request");
      const target = `${r.service} ${r.destination}`;
      const job = await audited(app, { action: "drain.start", director: r.director ?? null, target, request: r }, () => drains.start(r));
      return reply(201, job);
    })
    .on("GET", "/api/drains/:job", ({ params }) => drains.get(params.job!))
    .on("POST", "/api/drains/:job/undrain", async ({ params }) => {
      const job = drains.get(params.job!);
      const director = Object.keys(job.targets).length === 1 ? Object.keys(job.targets)[0]! : null;
      const target = `${job.service} ${job.destination}`;
      return audited(app, { action: "drain.undrain", director, target, request: { job: job.id } }, () => drains.undrain(job.id));
    })
    .on("POST", "/api/drains/:job/remove", async ({ params }) => {
      const job = drains.get(params.job!);
      const director = Object.keys(job.targets).length === 1 ? Object.keys(job.targets)[0]! : null;
      const target = `${job.service} ${job.destination}`;
      return audited(app, { action: "drain.remove", director, target, request: { job: job.id } }, () => drains.remove(job.id));
    });
}
