// Fixtures for ui-table-conversions.test.ts: each table that moved onto components/ui/table.tsx
// rendered to HTML (react-dom/server, SWR fed through its fallback as the REST replies would),
// and the table's skeleton: its table parts in document order with every attribute, classes
// sorted (their order in the attribute has no effect), so a converted table can be compared
// with the hand-written markup it replaced.
import { directorHealth, rsHealth } from "./ui-health-fixtures.ts";
import { createElement, type FunctionComponent, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { SWRConfig, unstable_serialize } from "swr";
import { url } from "@/components/lib/api-client.ts";
import type { DesiredService, DestinationView, DirectorView, GroupView, ReadinessEntry, ServiceView } from "@/protocol/dashboard/index.ts";

// loaded by path: the root tsconfig (which type-checks test/) has no JSX (ui-health-render.test.ts)
type P = Record<string, unknown> & { children?: ReactNode };
async function load(path: string, name: string): Promise<FunctionComponent<P>> {
  const c = ((await import(/* @vite-ignore */ `../../components/${path}`)) as Record<string, FunctionComponent<P> | undefined>)[name];
  if (!c) throw new Error(`${path} exports no ${name}`);
  return c;
}
const SESSION = "../../components/auth/session.tsx";
const { SESSION_PATH } = (await import(/* @vite-ignore */ SESSION)) as { SESSION_PATH: string };

const PART = /<(\/?)(table|caption|colgroup|col|thead|tbody|tr|th|td)(?=[\s>/])([^>]*)>/g;
const ATTR = /([\w:-]+)(?:="([^"]*)")?/g;

/** The table parts of `html`: "<td class=… data-testid=…>" and "</td>", attributes by name. */
export function skeleton(html: string): string[] {
  return [...html.matchAll(PART)].map(([, close, tag, attrs]) => {
    if (close) return `</${tag}>`;
    const list = [...(attrs ?? "").replace(/\/$/, "").matchAll(ATTR)].map(([, name, value]) => {
      const v = name === "class" ? (value ?? "").split(/\s+/).filter(Boolean).sort().join(" ") : value;
      return v === undefined ? name! : `${name}="${v}"`;
    });
    return `<${[tag, ...list.sort()].join(" ")}>`;
  });
}

function render(node: ReactNode, fallback: Record<string, unknown> = {}): string {
  const session = { user: { id: 1, username: "op", role: "operator", createdAt: 0 }, csrfToken: "t", setupNeeded: false, expiresAt: null };
  return renderToStaticMarkup(createElement(SWRConfig, { value: { fallback: { [SESSION_PATH]: session, ...fallback }, provider: () => new Map() } }, node));
}

const traffic = { cps: 1.5, inPps: 0, outPps: 0, inBps: 800, outBps: 1600, activeConns: 3, inactiveConns: 1 };
const director = (id: string, group = "", over: Partial<DirectorView> = {}): DirectorView => ({
  id,
  name: id,
  url: "wss://x",
  group,
  role: "director",
  link: "online",
  linkError: null,
  since: 0,
  ipvsVersion: null,
  connTableSize: null,
  serviceCount: 1,
  destinationCount: 2,
  traffic,
  sparklines: { cps: {}, bps: {}, activeConns: {} },
  ha: null,
  ...over,
});
const SVC = "tcp:172.16.0.100:80";
const svcConfig = { scheduler: "rr", schedulerFlags: [], persistence: null, pe: null, onePacket: false } as ServiceView["config"];
const destConfig = (forwarding: "masq" | "route", weight: number) => ({ forwarding, weight, upperThreshold: 10, lowerThreshold: 0, tunnel: null }) as DestinationView["config"];
const dest = (key: string, forwarding: "masq" | "route", weight: number): DestinationView => ({
  key,
  address: key.split(":")[0]!,
  port: 80,
  config: destConfig(forwarding, weight),
  persistConns: 0,
  traffic,
  drainJob: null,
});
const service = (forwarding: "masq" | "route"): ServiceView => ({
  key: SVC,
  config: svcConfig,
  traffic,
  destinations: { "10.0.0.11:80": dest("10.0.0.11:80", forwarding, 1), "10.0.0.13:80": dest("10.0.0.13:80", forwarding, 0) },
});
const check = (id: string, ok: boolean) => ({ id, title: `title ${id}`, ok, current: ok ? "1" : "0", expected: "1", fix: ok ? null : { commands: [["sysctl", "-w", `${id}=1`]] } });
const entry = (destination: string, status: ReadinessEntry["status"]): ReadinessEntry => ({
  destination,
  address: destination.split(":")[0]!,
  agent: status === "no_agent" ? null : `rs-${destination.split(":")[0]}`,
  status,
  report: status === "no_agent" ? null : { vip: "172.16.0.100", ready: status === "ready", checks: [check("vip-on-lo", true), check("arp_ignore:eth0", status === "ready")], notes: [] },
  error: null,
});
const health = directorHealth(SVC, {
  "10.0.0.11:80": rsHealth("10.0.0.11:80", {}),
  "10.0.0.12:80": rsHealth("10.0.0.12:80", { state: "down", inPool: false, lastResult: { ok: false, reason: "connect refused", latencyMs: 0.5, at: 1_500 } }),
});
const member = (id: string, drift: GroupView["members"][string]["drift"], vipsHeld: string[]): GroupView["members"][string] => ({
  director: id,
  online: drift !== "unknown",
  vrrp: vipsHeld.length ? "MASTER" : "BACKUP",
  haStatus: "active",
  vipsHeld,
  version: "v1",
  drift,
  changes: drift === "drifted" ? 2 : 0,
  driftSince: null,
});
const group: GroupView = {
  name: "ha",
  members: { dir1: member("dir1", "in_sync", ["172.16.0.100/32"]), dir2: member("dir2", "drifted", []), dir3: member("dir3", "unknown", []) },
  desired: null,
  master: "dir1",
  splitBrain: false,
  vipOwners: {},
  drifted: ["dir2"],
};
const desired: DesiredService = {
  key: SVC,
  config: svcConfig,
  destinations: {
    "10.0.0.11:80": { key: "10.0.0.11:80", address: "10.0.0.11", port: 80, config: destConfig("route", 2) },
    "10.0.0.2:80": { key: "10.0.0.2:80", address: "10.0.0.2", port: 80, config: destConfig("masq", 1) },
  } as DesiredService["destinations"],
};

/** Every converted table, rendered with data that reaches each of its kinds of row and cell. */
export async function renderTables(): Promise<Record<string, string>> {
  const GroupMembers = await load("ha/group-members.tsx", "GroupMembers");
  const GroupServiceCard = await load("ha/group-service-card.tsx", "GroupServiceCard");
  const ReadinessPanel = await load("sysctls/readiness-panel.tsx", "ReadinessPanel");
  const AgentReadinessPanel = await load("director/agent-readiness-panel.tsx", "AgentReadinessPanel");
  const AgentArpSettings = await load("director/agent-readiness-panel.tsx", "AgentArpSettings");
  const ConnAggregates = await load("conns/conn-aggregates.tsx", "ConnAggregates");
  const ServiceCard = await load("service/service-card.tsx", "ServiceCard");
  const ApiTokens = await load("auth/api-tokens.tsx", "ApiTokens");
  const UsersAdmin = await load("auth/users-admin.tsx", "UsersAdmin");
  const FleetTotalsPanel = await load("fleet/fleet-totals-panel.tsx", "FleetTotalsPanel");
  const fleet = { directors: { dir1: director("dir1", "ha"), dir2: director("dir2", "ha", { link: "offline" }), solo: director("solo") } };
  const drDetail = { director: director("dir1"), version: "v1", services: { [SVC]: service("route") } };
  const answers = [{ service: SVC, view: { director: "dir1", service: SVC, vip: "172.16.0.100", realServers: [entry("10.0.0.11:80", "not_ready"), entry("10.0.0.13:80", "ready"), entry("10.0.0.14:80", "no_agent")] }, error: null }];
  const byAgent = { "rs-10.0.0.11": [{ director: "dir1", service: SVC, vip: "172.16.0.100", entry: entry("10.0.0.11:80", "not_ready") }] };
  const sysctls = { values: { "net.ipv4.conf.all.arp_ignore": "1", "net.ipv4.conf.all.arp_announce": "2", "net.ipv4.ip_forward": "1" } };
  const tokens = [{ id: 1, name: "ci", role: "viewer", createdAt: 0, expiresAt: null, lastUsedAt: 1_000, lastUsedAddress: "10.0.0.1" }];
  const users = [{ id: 1, username: "op", role: "operator", createdAt: 0 }, { id: 2, username: "viewer1", role: "viewer", createdAt: 0 }];
  return {
    groupMembers: render(createElement(GroupMembers, { group, directors: { dir1: director("dir1", "ha"), dir2: director("dir2", "ha", { link: "offline", linkError: "closed" }) } })),
    groupServiceCard: render(createElement(GroupServiceCard, { group: "ha", svc: desired, onChanged: () => {} })),
    readinessPanel: render(createElement(ReadinessPanel, { director: "dir1" }), { [url("GET /api/directors/:id/services", { params: { id: "dir1" } })]: drDetail, [unstable_serialize(["director-readiness", "dir1", SVC])]: answers }),
    agentReadiness: render(createElement(AgentReadinessPanel, { id: "rs-10.0.0.11" }), { [url("GET /api/directors")]: fleet, [unstable_serialize(["fleet-readiness", "dir1", "solo"])]: { byAgent, errors: [] } }),
    agentArp: render(createElement(AgentArpSettings, { id: "rs-10.0.0.11" }), { [url("GET /api/directors/:id/sysctls", { params: { id: "rs-10.0.0.11" } })]: sysctls }),
    connAggregates: render(
      createElement(ConnAggregates, {
        aggregates: {
          byState: [{ protocol: "TCP", state: "ESTABLISHED", count: 5 }, { protocol: "UDP", state: "UDP", count: 9 }],
          byRealServer: [{ address: "10.0.0.11", port: 80, active: 4, inactive: 1, templates: 0 }, { address: "fd00::1", port: 80, active: 1, inactive: 0, templates: 2 }],
        },
      }),
    ),
    serviceCard: render(createElement(ServiceCard, { director: "dir1", group: "", svc: service("masq") }), { [url("GET /api/directors/:id/health", { params: { id: "dir1" } })]: health }),
    apiTokens: render(createElement(ApiTokens, {}), { "/api/auth/tokens": tokens }),
    apiTokensEmpty: render(createElement(ApiTokens, {}), { "/api/auth/tokens": [] }),
    usersAdmin: render(createElement(UsersAdmin, {}), { "/api/users": users }),
    fleetTotals: render(createElement(FleetTotalsPanel, {}), { [url("GET /api/directors")]: fleet }),
  };
}
