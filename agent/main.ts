// Agent entry point: parse arguments, read the token, open IPVS (directors only), load the
// handler modules, serve WebSocket, and on SIGTERM/SIGINT save the table (if asked) and stop.
// The only place in the agent that logs or exits.
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import type { RequestInput, RequestType, ResultData } from "../protocol/messages.ts";
import { CATALOG, PROTOCOL_VERSION } from "../protocol/messages.ts";
import { dispatch } from "./handlers/dispatch.ts";
import { buildRegistry } from "./handlers/plugins.ts";
import type { HandlerRegistry } from "./handlers/registry.ts";
import type { IpvsClient } from "./ipvs/types.ts";
import { ArgsError, USAGE, checkTokenFile, parseAgentArgs } from "./ws/agent-args.ts";
import { startAgentServer } from "./ws/server.ts";

/** Runs a request through the same dispatch path as the network, for save/restore. */
async function callLocal<T extends RequestType>(
  registry: HandlerRegistry,
  type: T,
  input: RequestInput<T>,
): Promise<ResultData<T>> {
  const payload = CATALOG[type].input.parse(input);
  const out = await dispatch(
    { v: PROTOCOL_VERSION, id: `local-${type}`, type, payload, deadlineMs: 120_000 } as never,
    {
      role: "director",
      registry,
      connectionSignal: new AbortController().signal,
      emit: () => {},
      subscribe: () => {
        throw new Error("no subscriptions in local calls");
      },
      unsubscribe: () => false,
    },
  );
  if (!out.ok) throw new Error(`${type}: ${out.error.code}: ${out.error.message}`);
  return out.data as ResultData<T>;
}

async function openIpvs(): Promise<IpvsClient> {
  // imported lazily so a realserver agent (no ip_vs module) never loads the netlink stack
  const { NetlinkIpvsClient } = await import("./ipvs/client.ts");
  return NetlinkIpvsClient.open();
}

async function main(): Promise<number> {
  const args = parseAgentArgs(process.argv.slice(2));
  const token = checkTokenFile(readFileSync(args.tokenFile, "utf8"), statSync(args.tokenFile).mode);
  const tls = args.tls
    ? { cert: readFileSync(args.tls.certFile), key: readFileSync(args.tls.keyFile) }
    : undefined;
  const ipvs = args.role === "director" ? await openIpvs() : null;
  const { registry, loaded } = await buildRegistry({ role: args.role, ipvs });

  if (args.restore && args.saveFile) {
    let text: string | null = null;
    try {
      text = readFileSync(args.saveFile, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      console.error(`agent: no save file ${args.saveFile} yet; starting with the current table`);
    }
    if (text !== null) {
      const r = await callLocal(registry, "rules.import", {
        source: { format: "ipvsadm", text },
        mode: "replace",
      });
      console.error(`agent: restored ${args.saveFile}: ${r.changes.length} changes, ${r.errors.length} errors`);
    }
  }

  const server = await startAgentServer({
    host: args.host,
    port: args.port,
    token,
    role: args.role,
    registry,
    ...(tls ? { tls } : {}),
  });
  const extra = loaded.length ? `; modules ${loaded.map((m) => m.replace(/^\.\/|\.ts$/g, "")).join(",")}` : "";
  console.log(`agent listening on ${server.url} (role ${args.role}${extra})`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) process.exit(130); // a second signal: the operator wants out now
      stopping = true;
      console.error(`agent: ${signal}, shutting down`);
      let code = 0;
      try {
        if (args.saveFile) {
          const saved = await callLocal(registry, "rules.export", { format: "ipvsadm" });
          if (saved.format === "ipvsadm") {
            // write-then-rename so a crash mid-write never leaves half a rule set
            writeFileSync(`${args.saveFile}.tmp`, saved.text, { mode: 0o600 });
            renameSync(`${args.saveFile}.tmp`, args.saveFile);
          }
        }
      } catch (err) {
        console.error(`agent: could not save rules: ${(err as Error).message}`);
        code = 1;
      }
      await server.close();
      ipvs?.close();
      resolve(code);
    };
    process.on("SIGTERM", () => void stop("SIGTERM"));
    process.on("SIGINT", () => void stop("SIGINT"));
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ArgsError) {
      console.error(`agent: ${err.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(`agent: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
