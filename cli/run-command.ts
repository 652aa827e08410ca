// Runs one parsed ipvsadm command through an agent and prints what ipvsadm would print.
// Exit codes as ipvsadm: 0 ok, 2 syntax/usage (ours, before anything is sent), 255 refused by
// the kernel/agent, 1 for `-L -t` of a service that does not exist.
import { ProtocolError } from "@/protocol/errors.ts";
import type { Destination, Service, ServiceKey, ServiceState } from "@/protocol/ipvs.ts";
import type { IpvsadmCommand } from "@/protocol/ipvsadm/command.ts";
import { formatConnList } from "@/protocol/ipvsadm/conn.ts";
import { formatDaemons, formatListAll, formatListOne, formatTimeouts } from "@/protocol/ipvsadm/list.ts";
import { mergeServerEdit, mergeServiceEdit, MergeError } from "@/protocol/ipvsadm/merge.ts";
import { destKeyString } from "@/protocol/ipvsadm/ruleset.ts";
import { formatSave, parseRestore } from "@/protocol/ipvsadm/save.ts";
import { asIpvsadmSees, unwritableScheduler } from "@/protocol/ipvsadm/scheduler-name.ts";
import type { RequestInput, RequestType, ResultData } from "@/protocol/agent/catalog.ts";
import { expandServiceRows } from "@/protocol/agent/compact.ts";
import type { ListedService } from "@/protocol/agent/ipvs.ts";
import { USAGE, VERSION } from "./usage.ts";

/** The part of AgentClient lvsctl uses (a fake implements it in tests). */
export interface AgentLike {
  request<T extends RequestType>(type: T, payload: RequestInput<T>, opts?: { deadlineMs?: number }): Promise<ResultData<T>>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readStdin(): Promise<string>;
}

/** A refusal worded for the user, with ipvsadm's exit status. */
export class CommandFailed extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

const CONN_PAGE = 1000;

/**
 * The whole table, fetched in rows (service.list.compact: a sixth of the bytes) and expanded;
 * an agent without that message gets service.list. A scheduler the protocol does not know is
 * printed by its kernel name, as ipvsadm prints it.
 */
export async function listAll(agent: AgentLike): Promise<ServiceState[]> {
  let services: ListedService[];
  try {
    services = expandServiceRows((await agent.request("service.list.compact", {}, { deadlineMs: 300_000 })).services);
  } catch (e) {
    if (!(e instanceof ProtocolError && e.code === "unsupported")) throw e;
    services = await agent.request("service.list", {}, { deadlineMs: 300_000 });
  }
  return services.map((s) => asIpvsadmSees(s));
}

/**
 * The parser reads any kernel scheduler name (`-s twos`), and an -E without -s keeps the live
 * one; the agent writes only the known ones, so say so before sending anything.
 */
function writable(svc: Service): Service {
  const refusal = unwritableScheduler(svc.config);
  if (refusal !== null) throw new CommandFailed(refusal, 255);
  return svc;
}

async function getService(agent: AgentLike, key: ServiceKey, missing: string): Promise<ServiceState> {
  const svc = await agent.request("service.get", { key });
  if (!svc) throw new CommandFailed(missing, 255);
  return svc;
}

function merged<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof MergeError) throw new CommandFailed(e.message, 2);
    throw e;
  }
}

async function listConnections(agent: AgentLike, persistentConn: boolean): Promise<string> {
  const entries: ResultData<"conns.read">["entries"] = [];
  for (let offset = 0; ; offset += CONN_PAGE) {
    // each page re-reads the proc file in the agent; ipvsadm -Lnc reads it once
    const page = await agent.request("conns.read", { offset, limit: CONN_PAGE }, { deadlineMs: 300_000 });
    entries.push(...page.entries);
    if (page.entries.length < CONN_PAGE || offset + CONN_PAGE >= page.matched) break;
  }
  return formatConnList(entries, persistentConn);
}

async function restore(agent: AgentLike, io: CliIo): Promise<number> {
  const text = await io.readStdin();
  const parsed = parseRestore(text);
  if (parsed.errors.length > 0) {
    for (const e of parsed.errors) io.err(`line ${e.line}: ${e.message}\n`);
    return 2;
  }
  const r = await agent.request(
    "rules.import",
    { source: { format: "ipvsadm", text }, mode: "merge", dryRun: false, report: "counts" },
    { deadlineMs: 600_000 },
  );
  for (const e of r.errors) io.err(e.line === undefined ? `${e.message}\n` : `line ${e.line}: ${e.message}\n`);
  return r.applied ? 0 : 255;
}

/** Executes the command; returns the exit status. Throws only for transport problems. */
export async function runCommand(cmd: IpvsadmCommand, agent: AgentLike, io: CliIo): Promise<number> {
  try {
    return await dispatch(cmd, agent, io);
  } catch (e) {
    if (e instanceof CommandFailed) {
      io.err(`${e.message}\n`);
      return e.exitCode;
    }
    if (e instanceof ProtocolError && e.code !== "unavailable" && e.code !== "unauthorized" && e.code !== "timeout") {
      io.err(`${e.message}\n`);
      return 255;
    }
    throw e;
  }
}

async function dispatch(cmd: IpvsadmCommand, agent: AgentLike, io: CliIo): Promise<number> {
  switch (cmd.kind) {
    case "help":
      io.out(USAGE);
      return 0;
    case "version":
      io.out(VERSION);
      return 0;
    case "add-service":
      await agent.request("service.create", writable(cmd.service));
      return 0;
    case "edit-service": {
      const live = asIpvsadmSees(await getService(agent, cmd.service.key, "No such service"));
      const next = writable(merged(() => mergeServiceEdit(live, cmd)));
      await agent.request("service.update", { key: next.key, config: next.config });
      return 0;
    }
    case "delete-service":
      await agent.request("service.delete", { key: cmd.service });
      return 0;
    case "flush":
      await agent.request("flush", {});
      return 0;
    case "add-server":
      await agent.request("dest.create", { service: cmd.service, destination: cmd.destination });
      return 0;
    case "edit-server": {
      const svc = await getService(agent, cmd.service, "Service not defined");
      const live: Destination | undefined = svc.destinations.find((d) => destKeyString(d.key) === destKeyString(cmd.destination.key));
      if (!live) throw new CommandFailed("No such destination", 255);
      const next = merged(() => mergeServerEdit(cmd.service, { key: live.key, config: live.config }, cmd));
      await agent.request("dest.update", { service: cmd.service, key: next.key, config: next.config });
      return 0;
    }
    case "delete-server":
      await agent.request("dest.delete", { service: cmd.service, key: cmd.destination });
      return 0;
    case "zero":
      await agent.request("zero", cmd.service ? { key: cmd.service } : {});
      return 0;
    case "set-timeouts": {
      const t = Object.fromEntries(Object.entries(cmd.timeouts).filter(([, v]) => v !== 0));
      await agent.request("timeouts.set", t);
      return 0;
    }
    case "start-daemon":
      await agent.request("daemon.start", cmd.daemon);
      return 0;
    case "stop-daemon":
      await agent.request("daemon.stop", { state: cmd.state, syncId: cmd.syncId });
      return 0;
    case "list": {
      if (cmd.service) {
        const svc = await agent.request("service.get", { key: cmd.service });
        if (!svc) throw new CommandFailed("No such service", 1);
        io.out(formatListOne(asIpvsadmSees(svc), cmd.format));
        return 0;
      }
      const [info, services] = await Promise.all([agent.request("ipvs.info", {}), listAll(agent)]);
      io.out(formatListAll(info, services, cmd.format));
      return 0;
    }
    case "list-connections":
      io.out(await listConnections(agent, cmd.persistentConn));
      return 0;
    case "list-timeouts":
      io.out(formatTimeouts(await agent.request("timeouts.get", {})));
      return 0;
    case "list-daemons":
      io.out(formatDaemons(await agent.request("daemon.list", {})));
      return 0;
    case "save":
      io.out(formatSave(await listAll(agent)));
      return 0;
    case "restore":
      return restore(agent, io);
  }
}
