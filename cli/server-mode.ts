// lvsctl --server URL: ipvsadm's verbs through the dashboard, as the signed-in user of a
// personal API token, on one director (-d), an HA group (-g: a change lands on every member
// or none, as the dashboard's group changes do) or the whole fleet (--all, reads only).
// Several directors print ipvsadm's output under a "# <director>" line each; --json prints
// {directors: [{director, version, data} | {director, error}]} instead.
import { routePath } from "@/protocol/dashboard/routes.ts";
import { CONN_QUERY_MAX_LIMIT } from "@/protocol/conntable.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import type { IpvsadmCommand } from "@/protocol/ipvsadm/command.ts";
import { asIpvsadmSees } from "@/protocol/ipvsadm/scheduler-name.ts";
import { type AgentLike, type CliIo, listAll, runCommand } from "./run-command.ts";
import { DirectorViaServer, GroupViaServer } from "./server-agent.ts";
import type { ServerArgs } from "./server-args.ts";
import { ServerClient } from "./server-client.ts";

const READ_ONLY = new Set<IpvsadmCommand["kind"]>(["list", "list-connections", "list-timeouts", "list-daemons", "save", "help", "version"]);

export const isReadOnly = (cmd: IpvsadmCommand): boolean => READ_ONLY.has(cmd.kind);

/** What --json prints for a read: the agent's data as lvsctl formats it. */
async function dataOf(cmd: IpvsadmCommand, agent: AgentLike): Promise<unknown> {
  switch (cmd.kind) {
    case "list":
      if (cmd.service) {
        const svc = await agent.request("service.get", { key: cmd.service });
        return svc && asIpvsadmSees(svc);
      }
      return { info: await agent.request("ipvs.info", {}), services: await listAll(agent) };
    case "save":
      return { services: await listAll(agent) };
    case "list-connections": {
      const entries: unknown[] = [];
      for (let offset = 0; ; offset += CONN_QUERY_MAX_LIMIT) {
        const page = await agent.request("conns.read", { offset, limit: CONN_QUERY_MAX_LIMIT });
        entries.push(...page.entries);
        if (page.entries.length < CONN_QUERY_MAX_LIMIT || offset + CONN_QUERY_MAX_LIMIT >= page.matched) return { entries };
      }
    }
    case "list-timeouts":
      return agent.request("timeouts.get", {});
    case "list-daemons":
      return agent.request("daemon.list", {});
    default:
      return null;
  }
}

function buffered(io: CliIo): CliIo & { text: () => string; errors: () => string } {
  let out = "";
  let err = "";
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: () => io.readStdin(),
    text: () => out,
    errors: () => err,
  };
}

/** The directors --all covers: every registered director (not realserver agents). */
async function fleetIds(server: ServerClient): Promise<string[]> {
  const fleet = await server.get<{ directors: Record<string, { role?: string }> }>(routePath("GET /api/directors"));
  return Object.entries(fleet.directors)
    .filter(([, d]) => d.role !== "realserver")
    .map(([id]) => id)
    .sort();
}

function fail(io: CliIo, e: unknown, who: string): number {
  if (!(e instanceof ProtocolError)) throw e;
  io.err(`lvsctl: ${who ? `${who}: ` : ""}${e.message}\n`);
  return e.code === "unauthorized" || e.code === "unavailable" || e.code === "rate_limited" ? 2 : 255;
}

export async function runServerMode(cmd: IpvsadmCommand, a: ServerArgs, token: string, io: CliIo, ca?: string): Promise<number> {
  const server = new ServerClient({ url: a.server, token, ...(ca ? { ca } : {}) });
  if (a.all && !isReadOnly(cmd)) {
    io.err(`lvsctl: --all runs read-only verbs only (-L, -S, -l, --timeout, --daemon); name the directors of a change with -d, or a group with -g\n`);
    return 2;
  }
  try {
    // a change on a group: one request, applied by the dashboard to every member or none
    if (a.group !== null && !isReadOnly(cmd)) {
      const g = new GroupViaServer(server, a.group, a.ifVersion);
      const code = await runCommand(cmd, g, io);
      if (a.json) io.out(`${JSON.stringify({ group: a.group, ok: code === 0 })}\n`);
      return code;
    }
    let ids: string[];
    if (a.group !== null) ids = await new GroupViaServer(server, a.group).members();
    else if (a.all) ids = await fleetIds(server);
    else ids = a.directors;
    if (ids.length === 0) {
      io.err(`lvsctl: ${a.group !== null ? `group ${a.group} has no members` : "the dashboard has no directors"}\n`);
      return 1;
    }
    const several = ids.length > 1 || a.group !== null || a.all;
    if (a.json) return await jsonRun(cmd, server, ids, a, io);
    let worst = 0;
    for (const id of ids) {
      const d = new DirectorViaServer(server, id, a.ifVersion);
      const b = buffered(io);
      let code: number;
      try {
        code = await runCommand(cmd, d, b);
      } catch (e) {
        code = fail(b, e, id);
      }
      if (several && isReadOnly(cmd)) io.out(`# ${id}\n`);
      io.out(b.text());
      if (b.errors()) io.err(several && !b.errors().startsWith("lvsctl: ") ? `${id}: ${b.errors()}` : b.errors());
      worst = Math.max(worst, code);
    }
    return worst;
  } catch (e) {
    return fail(io, e, "");
  }
}

async function jsonRun(cmd: IpvsadmCommand, server: ServerClient, ids: string[], a: ServerArgs, io: CliIo): Promise<number> {
  const directors: unknown[] = [];
  let worst = 0;
  for (const id of ids) {
    const d = new DirectorViaServer(server, id, a.ifVersion);
    try {
      if (isReadOnly(cmd)) {
        const data = await dataOf(cmd, d);
        directors.push({ director: id, version: d.version, data });
      } else {
        const b = buffered(io);
        const code = await runCommand(cmd, d, b);
        worst = Math.max(worst, code);
        directors.push(code === 0 ? { director: id, ok: true } : { director: id, ok: false, error: b.errors().trim() });
      }
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      worst = Math.max(worst, 255);
      directors.push({ director: id, error: e.toBody() });
    }
  }
  io.out(`${JSON.stringify({ directors }, null, 2)}\n`);
  return worst;
}
