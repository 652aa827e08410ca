// Host-side routes: the connection table (streamed NDJSON with the agent's progress), the
// director's sysctls, and DR readiness of real servers through their realserver agents.
import type { ConnsStreamLine, ReadinessEntry, ReadinessFixResult, ReadinessView } from "../../protocol/dashboard.ts";
import { ReadinessFixRequest } from "../../protocol/dashboard.ts";
import { ProtocolError } from "../../protocol/errors.ts";
import { ConnReadProgress } from "../../protocol/conntable.ts";
import { SysctlGet, SysctlSet } from "../../protocol/messages-host.ts";
import type { Dashboard } from "../app.ts";
import type { DirectorLink } from "../agents/link.ts";
import { audited } from "./audited.ts";
import { connQueryOf } from "./conns-query.ts";
import { serviceKeyParam } from "./routes-directors.ts";
import { readJson, toProtocolError, validate } from "./respond.ts";
import type { Router } from "./router.ts";

/** The realserver agent registered with this address, if any. */
function agentFor(app: Dashboard, address: string): DirectorLink | undefined {
  return app.fleet.links().find((l) => l.registration.role === "realserver" && l.registration.addresses.includes(address));
}

async function readinessOf(app: Dashboard, dest: string, address: string, vip: string): Promise<ReadinessEntry> {
  const agent = agentFor(app, address);
  const base = { destination: dest, address, agent: agent?.id ?? null };
  if (!agent) return { ...base, status: "no_agent", report: null, error: null };
  try {
    const report = await agent.request("realserver.readiness", { vip }, { deadlineMs: 10_000 });
    return { ...base, status: report.ready ? "ready" : "not_ready", report, error: null };
  } catch (err) {
    return { ...base, status: "error", report: null, error: toProtocolError(err).message };
  }
}

export function hostRoutes(router: Router, app: Dashboard): void {
  router
    .on("GET", "/api/directors/:id/conns", async ({ res, params, query }) => {
      const l = app.fleet.get(params.id!);
      const q = connQueryOf(query);
      if (!l.online) await l.request("ping", {}); // throws unavailable before the stream starts
      res.writeHead(200, { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" });
      const line = (m: ConnsStreamLine) => res.write(`${JSON.stringify(m)}\n`);
      try {
        const data = await l.request("conns.read", q, {
          deadlineMs: 120_000,
          onEvent: (d) => {
            const p = ConnReadProgress.safeParse(d);
            if (p.success) line({ type: "progress", ...p.data });
          },
        });
        line({ type: "result", data });
      } catch (err) {
        line({ type: "error", error: toProtocolError(err).toBody() });
      }
      res.end();
      return undefined;
    })
    .on("GET", "/api/directors/:id/sysctls", async ({ params, query }) => {
      const l = app.fleet.get(params.id!);
      const names = query.get("names");
      const payload = validate(SysctlGet, names ? { names: names.split(",").filter(Boolean) } : {}, "sysctl names");
      return l.request("sysctl.get", payload);
    })
    .on("PUT", "/api/directors/:id/sysctls", async ({ req, params, principal }) => {
      const l = app.fleet.get(params.id!);
      const body = await readJson(req, SysctlSet, "sysctl setting");
      const state = () => l.request("sysctl.get", { names: [body.name] });
      return audited(app, principal, { action: "sysctl.set", director: l.id, target: body.name, request: body, state }, () => l.request("sysctl.set", body));
    })
    .on("GET", "/api/readiness", async ({ query }): Promise<ReadinessView> => {
      const l = app.fleet.get(query.get("director") ?? "");
      const raw = query.get("service") ?? "";
      const key = serviceKeyParam(raw);
      const svc = l.state.services.get(raw) ?? [...l.state.services.values()].find((s) => JSON.stringify(s.key) === JSON.stringify(key));
      if (!svc) throw new ProtocolError("not_found", `director ${l.id} has no service ${raw}`);
      const vip = key.protocol === "fwmark" ? null : key.address;
      const dr = [...svc.destinations.entries()].filter(([, d]) => d.config.forwarding === "route");
      const realServers = await Promise.all(
        dr.map(([dk, d]) =>
          vip === null
            ? Promise.resolve<ReadinessEntry>({ destination: dk, address: d.key.address, agent: agentFor(app, d.key.address)?.id ?? null, status: "error", report: null, error: "a fwmark service has no single VIP to check" })
            : readinessOf(app, dk, d.key.address, vip),
        ),
      );
      return { director: l.id, service: raw, vip, realServers };
    })
    .on("POST", "/api/readiness/fix", async ({ req, principal }) => {
      const { agent, vip } = await readJson(req, ReadinessFixRequest, "readiness fix");
      const l = app.fleet.get(agent);
      if (l.registration.role !== "realserver") throw new ProtocolError("bad_request", `${agent} is not a realserver agent`);
      return audited(app, principal, { action: "readiness.fix", director: agent, target: vip, request: { agent, vip } }, async (): Promise<ReadinessFixResult> => {
        const before = await l.request("realserver.readiness", { vip });
        const applied: string[] = [];
        const failing = before.checks.filter((c) => !c.ok);
        const vipChecks = failing.filter((c) => c.id === "vip-on-lo" || c.id === "host-route");
        if (vipChecks.length > 0) {
          await l.request("vip.add", { address: vip });
          applied.push(...vipChecks.map((c) => c.id));
        }
        const written = new Set<string>();
        for (const c of failing) {
          const sysctl = c.fix?.sysctl;
          if (!sysctl) continue;
          // several interfaces share one fix when it raises "all"
          if (!written.has(sysctl.name)) {
            await l.request("sysctl.set", { name: sysctl.name, value: sysctl.value, persist: true });
            written.add(sysctl.name);
          }
          applied.push(c.id);
        }
        return { applied, report: await l.request("realserver.readiness", { vip }) };
      });
    });
}
