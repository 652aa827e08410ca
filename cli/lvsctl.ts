// lvsctl: ipvsadm's command line and output, for any director: through the dashboard (as a
// user, with its roles, versions and audit) or, for break-glass use, straight to one agent.
//   npx tsx cli/lvsctl.ts --server https://dash:3000 --token-file api-token -d dir1 -Ln
//   npx tsx cli/lvsctl.ts --agent ws://host:9400 --token-file token -Ln --stats
import { readFileSync } from "node:fs";
import { AgentClient } from "@/protocol/node/agent-client.ts";
import { ProtocolError } from "@/protocol/errors.ts";
import { parseIpvsadmArgs } from "@/protocol/ipvsadm/args.ts";
import { IpvsadmUsageError } from "@/protocol/ipvsadm/command.ts";
import { splitLvsctlArgs } from "./args.ts";
import { type HaMember, parseHaArgs, runHa, tokenFileFor } from "./ha.ts";
import { keepalivedRestore, keepalivedSave, takeFormat } from "./keepalived.ts";
import { type CliIo, runCommand } from "./run-command.ts";
import { type ServerArgs, ServerArgsError, splitServerArgs } from "./server-args.ts";
import { runServerMode } from "./server-mode.ts";
import { USAGE, VERSION } from "./usage.ts";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const io: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  readStdin,
};

/** lvsctl --ha: every --agent's VRRP state (cli/ha.ts); a member that cannot be reached is printed as such. */
async function mainHa(argv: string[]): Promise<number> {
  const a = parseHaArgs(argv, process.env);
  if (a.rest.length > 0 || a.agents.length === 0) {
    io.err(`lvsctl --ha takes --agent URL (one or more) and --token-file FILE, nothing else${a.rest.length ? ` (got ${a.rest.join(" ")})` : ""}\n`);
    return 2;
  }
  const clients: AgentClient[] = [];
  const members: HaMember[] = [];
  try {
    for (const [n, url] of a.agents.entries()) {
      let token: string;
      try {
        const file = tokenFileFor(a, n);
        token = readFileSync(file, "utf8").trim();
      } catch (e) {
        io.err(`lvsctl: ${(e as Error).message}\n`);
        return 2;
      }
      const c = new AgentClient({ url, token, reconnect: false, heartbeatMs: 0, ...(a.fingerprint ? { tls: { fingerprint256: a.fingerprint } } : {}) });
      clients.push(c);
      try {
        await c.connect();
        members.push({ name: url, agent: c });
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        members.push({ name: url, agent: null, error: e.message });
      }
    }
    return await runHa(members, io);
  } finally {
    for (const c of clients) c.close();
  }
}

/** lvsctl --server URL: through the dashboard with a personal API token (cli/server-mode.ts). */
async function mainServer(argv: string[]): Promise<number> {
  const { agent, tokenFile, rest } = splitLvsctlArgs(argv, process.env);
  let a: ServerArgs;
  let cmd: ReturnType<typeof parseIpvsadmArgs>;
  try {
    a = splitServerArgs(rest, process.env);
    if (a.rest.includes("--format")) {
      io.err("--format keepalived is for direct agent mode (--agent): the dashboard imports ipvsadm rules\n");
      return 2;
    }
    cmd = parseIpvsadmArgs(a.rest);
  } catch (e) {
    if (e instanceof ServerArgsError) {
      io.err(`${e.message}\n`);
      return 2;
    }
    if (!(e instanceof IpvsadmUsageError)) throw e;
    io.err(`${e.message}\n`);
    return e.exitCode;
  }
  if (cmd.kind === "help" || cmd.kind === "version") {
    io.out(cmd.kind === "help" ? USAGE : VERSION);
    return 0;
  }
  if (agent) {
    io.err("lvsctl: --server and --agent exclude each other (--agent is the break-glass path straight to one agent)\n");
    return 2;
  }
  let token = process.env.LVSCTL_API_TOKEN?.trim() ?? "";
  let ca: string | undefined;
  try {
    if (tokenFile) token = readFileSync(tokenFile, "utf8").trim();
    if (a.ca) ca = readFileSync(a.ca, "utf8");
  } catch (e) {
    io.err(`lvsctl: ${(e as Error).message}\n`);
    return 2;
  }
  if (!token) {
    io.err("lvsctl --server needs your API token: --token-file FILE (or LVSCTL_API_TOKEN); create one on your account page in the dashboard\n");
    return 2;
  }
  return runServerMode(cmd, a, token, io, ca);
}

/** keepalived.conf includes, relative to the current directory as keepalived -f - would read them. */
function readIncluded(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--ha")) return mainHa(argv);
  const serverMode = argv.some((x) => x === "--server" || x.startsWith("--server=")) || (process.env.LVSCTL_SERVER ?? "") !== "";
  if (serverMode) return mainServer(argv);
  const { agent, tokenFile, fingerprint, rest: all } = splitLvsctlArgs(argv, process.env);
  let cmd: ReturnType<typeof parseIpvsadmArgs>;
  let format: "ipvsadm" | "keepalived";
  try {
    const f = takeFormat(all);
    format = f.format;
    if (format === "keepalived" && !f.rest.some((a) => /^(-R|-S|--restore|--save)$/.test(a))) {
      io.err("--format keepalived goes with -R (restore) or -S (save)\n");
      return 2;
    }
    cmd = parseIpvsadmArgs(f.rest);
  } catch (e) {
    if (!(e instanceof IpvsadmUsageError)) {
      if (e instanceof Error && e.message.startsWith("--format")) {
        io.err(`${e.message}\n`);
        return 2;
      }
      throw e;
    }
    io.err(`${e.message}\n`);
    return e.exitCode;
  }
  if (cmd.kind === "help" || cmd.kind === "version") {
    io.out(cmd.kind === "help" ? USAGE : VERSION);
    return 0;
  }
  if (!agent || !tokenFile) {
    io.err(`lvsctl needs --agent URL and --token-file FILE\n\n${USAGE}`);
    return 2;
  }
  let token: string;
  try {
    token = readFileSync(tokenFile, "utf8").trim();
  } catch (e) {
    io.err(`lvsctl: cannot read token file ${tokenFile}: ${(e as Error).message}\n`);
    return 2;
  }
  const client = new AgentClient({
    url: agent,
    token,
    reconnect: false,
    heartbeatMs: 0,
    ...(fingerprint ? { tls: { fingerprint256: fingerprint } } : {}),
  });
  try {
    await client.connect();
    if (format === "keepalived" && cmd.kind === "restore") return await keepalivedRestore(client, io, readIncluded);
    if (format === "keepalived" && cmd.kind === "save") return await keepalivedSave(client, io);
    return await runCommand(cmd, client, io);
  } catch (e) {
    if (e instanceof ProtocolError) {
      io.err(`lvsctl: ${agent}: ${e.message}\n`);
      return 2;
    }
    throw e;
  } finally {
    client.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
