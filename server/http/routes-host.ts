// Host-side routes: the connection table (streamed NDJSON with the agent's progress), the
// director's sysctls, and DR readiness of real servers through their realserver agents (per
// service, and for the whole fleet grouped by agent).
import { bodySchemaOf } from "@/protocol/dashboard/route-bodies.ts";
import type { ConnsStreamLine, ReadinessEntry, ReadinessFixResult, ReadinessView } from "@/protocol/dashboard/index.ts";
import type { AgentVipReadiness, FleetReadinessView } from "@/protocol/dashboard/fleet-readiness.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { ConnReadProgress } from "@/protocol/conntable.ts";
import { SysctlGet, } from "@/protocol/agent/host.ts";
import type { Dashboard } from "../dashboard.ts";
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

type AddressReadiness = Omit<ReadinessEntry, "destination">;

async function addressReadiness(app: Dashboard, address: string, vip: string): Promise<AddressReadiness> {
  const agent = agentFor(app, address);
  const base = { address, agent: agent?.id ?? null };
  if (!agent) return { ...base, status: "no_agent", report: null, error: null };
  try {
    const report = await agent.request("realserver.readiness", { vip }, { deadlineMs: 10_000 });
    return { ...base, status: report.ready ? "ready" : "not_ready", report, error: null };
  } catch (err) {
    return { ...base, status: "error", report: null, error: toProtocolError(err).message };
  }
}

async function readinessOf(app: Dashboard, dest: string, address: string, vip: string): Promise<ReadinessEntry> {
  return { destination: dest, ...(await addressReadiness(app, address, vip)) };
}

const FWMARK_NO_VIP = "a fwmark service has no single VIP to check";
const fleetRank = (r: AgentVipReadiness) => (r.entry.status === "not_ready" ? 0 : r.entry.status === "error" ? 1 : 2);

/** Every online director's DR real servers that a realserver agent answers for, grouped by that
 * agent; an agent is asked once per VIP however many directors and services send to it. */
async function fleetReadiness(app: Dashboard): Promise<FleetReadinessView> {
  const asked = new Map<string, Promise<AddressReadiness>>();
  const ask = (address: string, vip: string) => {
    const k = `${address} ${vip}`;
    let p = asked.get(k);
    if (!p) {
      p = addressReadiness(app, address, vip);
      asked.set(k, p);
    }
    return p;
  };
  const pending: Promise<AgentVipReadiness | null>[] = [];
  for (const l of app.fleet.links()) {
    if (l.registration.role !== "director" || !l.online) continue;
    for (const [service, svc] of l.state.services) {
      const vip = svc.key.protocol === "fwmark" ? null : svc.key.address;
      for (const [destination, d] of svc.destinations) {
        if (d.config.forwarding !== "route") continue;
        const agent = agentFor(app, d.key.address)?.id ?? null;
        if (!agent) continue;
        const entry: Promise<ReadinessEntry> =
          vip === null
            ? Promise.resolve({ destination, address: d.key.address, agent, status: "error", report: null, error: FWMARK_NO_VIP })
            : ask(d.key.address, vip).then((r) => ({ destination, ...r }));
        pending.push(entry.then((e) => (e.agent ? { director: l.id, service, vip, entry: e } : null)));
      }
    }
  }
  const byAgent: Record<string, AgentVipReadiness[]> = {};
  for (const r of await Promise.all(pending)) {
    if (!r?.entry.agent) continue;
    const list = byAgent[r.entry.agent] ?? [];
    list.push(r);
    byAgent[r.entry.agent] = list;
  }
  for (const list of Object.values(byAgent)) {
    list.sort((a, b) => fleetRank(a) - fleetRank(b) || a.director.localeCompare(b.director) || a.service.localeCompare(b.service) || a.entry.destination.localeCompare(b.entry.destination));
  }
  return { byAgent, errors: [] };
}

export function hostRoutes(router: Router, app: Dashboard): void {
  router
    .on("GET /api/directors/:id/conns", async ({ res, params, query }) => {
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
    .on("GET /api/directors/:id/sysctls", async ({ params, query }) => {
      const l = app.fleet.get(params.id!);
      const names = query.get("names");
      const payload = validate(SysctlGet, names ? { names: names.split(",").filter(Boolean) } : {}, "sysctl names");
      return l.request("sysctl.get", payload);
    })
    .on("PUT /api/directors/:id/sysctls", async ({ req, params, principal }) => {
      const l = app.fleet.get(params.id!);
      const body = await readJson(req, bodySchemaOf("PUT /api/directors/:id/sysctls"), "sysctl setting");
      const state = () => l.request("sysctl.get", { names: [body.name] });
      return audited(app, principal, { action: "sysctl.set", director: l.id, target: body.name, request: body, state }, () => l.request("sysctl.set", body));
    })
    .on("GET /api/readiness", async ({ query }): Promise<ReadinessView> => {
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
            ? Promise.resolve<ReadinessEntry>({ destination: dk, address: d.key.address, agent: agentFor(app, d.key.address)?.id ?? null, status: "error", report: null, error: FWMARK_NO_VIP })
            : readinessOf(app, dk, d.key.address, vip),
        ),
      );
      return { director: l.id, service: raw, vip, realServers };
    })
    .on("GET /api/readiness/fleet", (): Promise<FleetReadinessView> => fleetReadiness(app))
    .on("POST /api/readiness/fix", async ({ req, principal }) => {
      const { agent, vip } = await readJson(req, bodySchemaOf("POST /api/readiness/fix"), "readiness fix");
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
